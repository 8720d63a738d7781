// qbank: deep links that open answers, copy-link buttons, expand/collapse all, print.
// Everything degrades: without this script answers still open and close (native <details>)
// and every card is still linkable by its heading.
(function () {
    'use strict';

    var ANSWER = 'details[data-qb-answer]';

    function answers() {
        return Array.prototype.slice.call(document.querySelectorAll(ANSWER));
    }

    function targetOf(hash) {
        if (!hash || hash.length < 2) {
            return null;
        }
        var id = hash.slice(1);
        try {
            id = decodeURIComponent(id);
        } catch (e) {
            // Keep the raw id.
        }
        return document.getElementById(id) || aliasTarget(id);
    }

    // An id a question had before (`aliases:` in its metadata) lands on it: `#old` on the card,
    // `#old-answer` and `#old-title` on its answer and title. The address bar then shows the
    // current id, so the link that gets shared next is the current one.
    function aliasTarget(id) {
        var cards = document.querySelectorAll('[data-qb-aliases]');
        for (var i = 0; i < cards.length; i++) {
            var card = cards[i];
            var names = (card.getAttribute('data-qb-aliases') || '').split(' ');
            for (var j = 0; j < names.length; j++) {
                var suffix = null;
                if (id === names[j]) {
                    suffix = '';
                } else if (id === names[j] + '-answer' || id === names[j] + '-title') {
                    suffix = id.slice(names[j].length);
                }
                if (names[j] && suffix !== null) {
                    var real = card.id + suffix;
                    if (history.replaceState) {
                        history.replaceState(null, '', '#' + encodeURIComponent(real));
                    }
                    return document.getElementById(real);
                }
            }
        }
        return null;
    }

    // A fragment inside an answer opens that answer; a fragment on a card leaves it as it is,
    // so a shared question link never spoils the answer.
    function reveal(hash, scroll) {
        var el = targetOf(hash);
        if (!el) {
            return;
        }
        var details = el.closest(ANSWER);
        if (details && !details.open) {
            details.open = true;
        }
        if (scroll) {
            el.scrollIntoView({ block: 'start' });
        }
    }

    // ---- Copy link ---------------------------------------------------------------------

    function linkFor(id) {
        return location.href.split('#')[0] + '#' + encodeURIComponent(id);
    }

    function copyText(text) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(text);
        }
        return new Promise(function (resolve, reject) {
            var ta = document.createElement('textarea');
            ta.value = text;
            ta.setAttribute('readonly', '');
            ta.style.position = 'fixed';
            ta.style.opacity = '0';
            document.body.appendChild(ta);
            ta.select();
            var ok = false;
            try {
                ok = document.execCommand('copy');
            } catch (e) {
                ok = false;
            }
            document.body.removeChild(ta);
            if (ok) {
                resolve();
            } else {
                reject(new Error('copy failed'));
            }
        });
    }

    function setupCopy(button) {
        button.hidden = false;
        button.addEventListener('click', function () {
            var url = linkFor(button.getAttribute('data-qb-copy'));
            var label = button.getAttribute('aria-label');
            copyText(url).then(function () {
                button.classList.add('qb-copied');
                button.setAttribute('aria-label', button.getAttribute('data-qb-copied'));
                setTimeout(function () {
                    button.classList.remove('qb-copied');
                    button.setAttribute('aria-label', label);
                }, 1500);
            }, function () {
                // No clipboard (e.g. a plain-http intranet page): show the link to copy by hand.
                window.prompt(label, url);
            });
        });
    }

    // ---- Expand / collapse all ---------------------------------------------------------

    function setupToggleAll(box) {
        box.hidden = false;
        var expand = box.querySelector('[data-qb-expand]');
        var collapse = box.querySelector('[data-qb-collapse]');
        if (expand) {
            expand.addEventListener('click', function () {
                answers().forEach(function (d) { d.open = true; });
            });
        }
        if (collapse) {
            collapse.addEventListener('click', function () {
                answers().forEach(function (d) { d.open = false; });
            });
        }
    }

    // ---- Print: every answer open, then back to how the reader left them -----------------

    var beforePrint = null;
    window.addEventListener('beforeprint', function () {
        beforePrint = answers().map(function (d) { return d.open; });
        answers().forEach(function (d) { d.open = true; });
    });
    window.addEventListener('afterprint', function () {
        if (!beforePrint) {
            return;
        }
        var all = answers();
        beforePrint.forEach(function (open, i) {
            if (all[i]) {
                all[i].open = open;
            }
        });
        beforePrint = null;
    });

    // ---- Filtering on the generated index pages (tags, dimensions, coverage) -------------

    function setupFilter(box) {
        box.hidden = false;
        var tag = box.querySelector('[data-qb-filter-tag]');
        var difficulty = box.querySelector('[data-qb-filter-difficulty]');
        var state = box.querySelector('[data-qb-filter-status]');
        var count = box.querySelector('[data-qb-filter-count]');
        var empty = document.querySelector('[data-qb-filter-empty]');
        var lists = Array.prototype.slice.call(document.querySelectorAll('[data-qb-index]'));
        var params = new URLSearchParams(location.search);
        if (params.has('tag')) { tag.value = params.get('tag'); }
        if (params.has('difficulty')) { difficulty.value = params.get('difficulty'); }
        state.value = params.has('status') ? params.get('status')
            : (box.getAttribute('data-qb-filter-default-status') || '');

        function apply() {
            var shown = 0;
            var total = 0;
            lists.forEach(function (list) {
                var visible = 0;
                // On the tags page a tag filter shows that tag's own section only.
                var own = list.getAttribute('data-qb-index-tag');
                var otherTag = tag.value && own !== null && own !== tag.value;
                Array.prototype.forEach.call(list.querySelectorAll('li[data-qb-status]'), function (li) {
                    total += 1;
                    var tags = (li.getAttribute('data-qb-tags') || '').split(' ');
                    var ok = !otherTag && (!tag.value || tags.indexOf(tag.value) >= 0) &&
                        (!difficulty.value || li.getAttribute('data-qb-difficulty') === difficulty.value) &&
                        (!state.value || li.getAttribute('data-qb-status') === state.value);
                    li.hidden = !ok;
                    if (ok) { visible += 1; }
                });
                shown += visible;
                list.hidden = visible === 0;
                // The section heading goes with its list.
                var heading = list.previousElementSibling;
                if (heading && /^H[2-6]$/.test(heading.tagName)) {
                    heading.hidden = visible === 0;
                }
            });
            if (count) { count.textContent = shown + ' / ' + total; }
            if (empty) { empty.hidden = shown !== 0; }
        }
        [tag, difficulty, state].forEach(function (el) { el.addEventListener('change', apply); });
        apply();
    }

    function init() {
        Array.prototype.forEach.call(document.querySelectorAll('[data-qb-copy]'), setupCopy);
        Array.prototype.forEach.call(document.querySelectorAll('[data-qb-toggle-all]'), setupToggleAll);
        Array.prototype.forEach.call(document.querySelectorAll('[data-qb-filter]'), setupFilter);
        reveal(location.hash, true);
    }

    window.addEventListener('hashchange', function () { reveal(location.hash, true); });
    // Back/forward between entries of the same page may not fire hashchange in every browser.
    window.addEventListener('popstate', function () { reveal(location.hash, false); });

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
