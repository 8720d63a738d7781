// qbank core: what every qbank script shares, loaded before them. Classic script (pages work
// from file://, where ES modules do not load). Exposes `window.qbank`:
//   qbank.ready(fn)      run fn once the DOM is parsed
//   qbank.labels         the book's labels, in its language (from qbank-labels.js, written by
//                        the build from the same table as the pages' labels)
//   qbank.store          localStorage under one namespace per book and site location
(function () {
    'use strict';

    var qb = (window.qbank = window.qbank || {});

    // mdBook 0.5 declares `const path_to_root = "../"` in an inline script: a global binding,
    // but not a property of `window`, which is where qbank's scripts read it. Without this, a
    // page in a folder (`go/round2.html`) took its own folder for the site root, and its marks
    // went to another storage namespace than the generated pages'.
    /* global path_to_root */
    if (typeof window.path_to_root !== 'string' && typeof path_to_root === 'string') {
        window.path_to_root = path_to_root;
    }
    var given = window.qbankLabels || {};

    qb.labels = given.labels || {};
    qb.lang = given.lang || document.documentElement.lang || 'en';

    qb.ready = function (fn) {
        if (document.readyState === 'loading') {
            document.addEventListener('DOMContentLoaded', fn);
        } else {
            fn();
        }
    };

    // The site's root, from mdBook's `path_to_root`: under file:// every book has the origin
    // `null`, so the path is what tells two books apart.
    function siteRoot() {
        var up = typeof window.path_to_root === 'string' ? window.path_to_root : '';
        try {
            return new URL(up || './', location.href).pathname;
        } catch (e) {
            return '/';
        }
    }

    // The site root's path ("/handbook/"), and a page's path under it, decoded
    // ("go/round2.html"): what study and interview mode key their storage and files by.
    qb.root = siteRoot();
    qb.pagePath = function (url) {
        var p;
        try {
            p = new URL(url, location.href).pathname;
        } catch (e) {
            return '';
        }
        if (p.indexOf(qb.root) === 0) {
            p = p.slice(qb.root.length);
        }
        try {
            return decodeURIComponent(p);
        } catch (e) {
            return p;
        }
    };

    var namespace = 'qbank:' + (given.book || document.title) + ':' + qb.root + ':';

    // Storage that never throws: a private window or a full quota makes `set` return false,
    // and callers keep working in memory for the session.
    var memory = {};
    function backend() {
        try {
            var ls = window.localStorage;
            var probe = namespace + '__probe';
            ls.setItem(probe, '1');
            ls.removeItem(probe);
            return ls;
        } catch (e) {
            return null;
        }
    }
    var ls = backend();

    qb.store = {
        namespace: namespace,
        available: function () {
            return ls !== null;
        },
        get: function (key) {
            var raw = null;
            if (ls) {
                try {
                    raw = ls.getItem(namespace + key);
                } catch (e) {
                    raw = null;
                }
            }
            if (raw === null && Object.prototype.hasOwnProperty.call(memory, key)) {
                raw = memory[key];
            }
            if (raw === null) {
                return null;
            }
            try {
                return JSON.parse(raw);
            } catch (e) {
                return null;
            }
        },
        set: function (key, value) {
            var raw = JSON.stringify(value);
            memory[key] = raw;
            if (!ls) {
                return false;
            }
            try {
                ls.setItem(namespace + key, raw);
                // Stored: the copy in memory would hide another tab's later removal of the key.
                delete memory[key];
                return true;
            } catch (e) {
                return false;
            }
        },
        remove: function (key) {
            delete memory[key];
            if (ls) {
                try {
                    ls.removeItem(namespace + key);
                } catch (e) {
                    // Nothing to do.
                }
            }
        },
        // Keys of this namespace (without the prefix).
        keys: function () {
            var out = Object.keys(memory);
            if (ls) {
                for (var i = 0; i < ls.length; i++) {
                    var k = ls.key(i);
                    if (k && k.indexOf(namespace) === 0 && out.indexOf(k.slice(namespace.length)) < 0) {
                        out.push(k.slice(namespace.length));
                    }
                }
            }
            return out;
        },
    };
})();
