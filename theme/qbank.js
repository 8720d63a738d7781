// qbank: deep links that open answers, copy-link buttons, expand/collapse all, print, and the
// accessibility repairs of mdBook's page chrome (skip link, sidebar toggle, scrollable code).
// Everything degrades: without this script answers still open and close (native <details>)
// and every card is still linkable by its heading.
(function () {
    'use strict';

    var ANSWER = 'details[data-qb-answer]';

    // Words this script adds to every page (mdBook's chrome included), in the book's language.
    // qbank's own cards carry their words in the markup, from the book's qbank language.
    var ZH = /^zh/i.test(document.documentElement.lang || '');
    var WORDS = ZH ? {
        skip: '跳到正文',
        code: '代码（可左右滚动）',
        table: '表格（可左右滚动）',
        sidebar: '目录',
        sidebarToggle: '显示或隐藏目录',
        theme: '更换主题',
        themes: '主题',
        print: '打印本书',
        previous: '上一章',
        next: '下一章',
    } : {
        skip: 'Skip to content',
        code: 'Code (scrolls sideways)',
        table: 'Table (scrolls sideways)',
    };

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

    // ---- Announcements -----------------------------------------------------------------

    // One polite live region: a screen reader says what a control did (link copied, answers
    // expanded) without moving focus.
    var live = null;
    var liveTimer = null;

    function announce(text) {
        if (!text) {
            return;
        }
        if (!live) {
            live = document.createElement('div');
            live.className = 'qb-sr-only';
            live.setAttribute('role', 'status');
            live.setAttribute('aria-live', 'polite');
            live.setAttribute('data-qb-live', '');
            document.body.appendChild(live);
        }
        // Empty first, then the words a moment later: the same message twice is read twice.
        live.textContent = '';
        clearTimeout(liveTimer);
        liveTimer = setTimeout(function () { live.textContent = text; }, 100);
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
                announce(button.getAttribute('data-qb-copied'));
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
                announce(expand.getAttribute('data-qb-announce'));
            });
        }
        if (collapse) {
            collapse.addEventListener('click', function () {
                answers().forEach(function (d) { d.open = false; });
                announce(collapse.getAttribute('data-qb-announce'));
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
                    // Space-separated, each tag percent-encoded: `system%20design` is one tag.
                    var tags = (li.getAttribute('data-qb-tags') || '').split(' ').map(function (t) {
                        try {
                            return decodeURIComponent(t);
                        } catch (e) {
                            return t;
                        }
                    });
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

    // ---- mdBook's page chrome, repaired for keyboards and screen readers -------------------

    // A link to jump over the menu bar and the sidebar (which lists every question of the
    // book) straight to the page's text. Shown when it has focus.
    function addSkipLink() {
        var main = document.querySelector('main');
        if (!main || document.querySelector('.qb-skip')) {
            return;
        }
        var skip = document.createElement('a');
        skip.className = 'qb-skip';
        skip.href = '#';
        skip.textContent = WORDS.skip;
        skip.addEventListener('click', function (e) {
            e.preventDefault();
            if (!main.hasAttribute('tabindex')) {
                main.setAttribute('tabindex', '-1');
            }
            main.focus({ preventScroll: true });
            // main's scroll-margin (qbank.css) keeps its top below the sticky menu bar.
            main.scrollIntoView({ block: 'start' });
        });
        document.body.insertBefore(skip, document.body.firstChild);
    }

    // A control that gets focus must not sit under mdBook's sticky menu bar (WCAG 2.4.11):
    // Shift+Tab scrolls the page up only until the control touches the top of the window.
    function keepFocusInSight() {
        var bar = document.getElementById('mdbook-menu-bar');
        if (!bar) {
            return;
        }
        document.addEventListener('focusin', function (e) {
            var el = e.target;
            if (!el || !el.closest || el.closest('#mdbook-menu-bar, #mdbook-sidebar, #mdbook-search-wrapper, .qb-skip')) {
                return;
            }
            requestAnimationFrame(function () {
                var b = bar.getBoundingClientRect();
                var r = el.getBoundingClientRect();
                if (b.bottom > 0 && r.top < b.bottom && r.bottom > b.top) {
                    window.scrollBy(0, r.top - b.bottom - 8);
                }
            });
        });
    }

    function setName(el, name, title) {
        if (el && name) {
            el.setAttribute('aria-label', name);
            if (title && el.hasAttribute('title')) {
                el.setAttribute('title', name);
            }
        }
    }

    function repairChrome() {
        // mdBook's sidebar toggle is a <label> for a hidden checkbox: not focusable, and its
        // aria-expanded is not allowed on a label. As a button it is both.
        var toggle = document.getElementById('mdbook-sidebar-toggle');
        if (toggle && toggle.tagName === 'LABEL' && !toggle.hasAttribute('role')) {
            toggle.setAttribute('role', 'button');
            toggle.tabIndex = 0;
            toggle.addEventListener('keydown', function (e) {
                if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    toggle.click();
                }
            });
        }
        // mdBook's names are English; a book in another language gets its own words.
        setName(toggle, WORDS.sidebarToggle, true);
        setName(document.getElementById('mdbook-sidebar'), WORDS.sidebar);
        setName(document.getElementById('mdbook-theme-toggle'), WORDS.theme, true);
        setName(document.getElementById('mdbook-theme-list'), WORDS.themes);
        var print = document.querySelector('#mdbook-menu-bar a[href$="print.html"]');
        setName(print, WORDS.print, true);
        Array.prototype.forEach.call(document.querySelectorAll('a[rel~="prev"]'), function (a) {
            setName(a, WORDS.previous, true);
        });
        Array.prototype.forEach.call(document.querySelectorAll('a[rel~="next"]'), function (a) {
            setName(a, WORDS.next, true);
        });
        // mdBook's "on this page" list nests an <ol> straight inside an <ol> when a page's
        // first heading is deeper than <h2>; a list may only hold <li>. mdBook builds that
        // list on DOMContentLoaded, which may come before or after this script runs.
        var sidebar = document.getElementById('mdbook-sidebar');
        if (sidebar) {
            mendLists(sidebar);
            if (typeof MutationObserver === 'function') {
                new MutationObserver(function () { mendLists(sidebar); })
                    .observe(sidebar, { childList: true, subtree: true });
            }
        }
    }

    function mendLists(root) {
        Array.prototype.forEach.call(root.querySelectorAll('ol > ol'), function (ol) {
            var li = document.createElement('li');
            li.className = 'expanded qb-toc-group';
            ol.parentNode.insertBefore(li, ol);
            li.appendChild(ol);
        });
    }

    // Code blocks and wide tables that scroll sideways must be reachable by keyboard to be
    // scrolled: while they overflow they take focus, as a named region.
    var SCROLLERS = 'main pre > code, main .table-wrapper';

    // Also for code that scripts put into the page later (the drill's questions):
    // `qbank.scrollers(root)`.
    var observer = null;
    function watchScrollers(root) {
        var all = Array.prototype.slice.call((root || document).querySelectorAll(SCROLLERS));
        if (!all.length) {
            return;
        }
        function update(el) {
            var scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
            var managed = el.hasAttribute('data-qb-scroll');
            if (scrolls && !managed) {
                el.setAttribute('data-qb-scroll', '');
                el.setAttribute('tabindex', '0');
                el.setAttribute('role', 'region');
                el.setAttribute('aria-label', el.tagName === 'CODE' ? WORDS.code : WORDS.table);
            } else if (!scrolls && managed) {
                el.removeAttribute('data-qb-scroll');
                el.removeAttribute('tabindex');
                el.removeAttribute('role');
                el.removeAttribute('aria-label');
            }
        }
        if (typeof ResizeObserver === 'function') {
            // Also fires when a closed answer opens and its code gets a size.
            observer = observer || new ResizeObserver(function (entries) {
                entries.forEach(function (e) { update(e.target); });
            });
            all.forEach(function (el) { observer.observe(el); });
        } else {
            all.forEach(update);
        }
    }

    // mdBook puts its previous/next arrows beside the text when the window is wide, by the
    // window's width. At 200% zoom, or with the sidebar dragged wide, they cover the text:
    // then the arrows below the text are used instead, as on a narrow screen.
    function fitChapterArrows() {
        var wide = document.querySelector('.nav-wide-wrapper');
        var main = document.querySelector('main');
        if (!wide || !main) {
            return;
        }
        var root = document.documentElement;
        function check() {
            root.classList.remove('qb-arrows-below');
            if (getComputedStyle(wide).display === 'none') {
                return;
            }
            var m = main.getBoundingClientRect();
            var covers = Array.prototype.some.call(wide.querySelectorAll('.nav-chapters'), function (a) {
                var r = a.getBoundingClientRect();
                return r.width > 0 && r.right > m.left && r.left < m.right;
            });
            if (covers) {
                root.classList.add('qb-arrows-below');
            }
        }
        if (typeof ResizeObserver === 'function') {
            new ResizeObserver(check).observe(main);
        }
        window.addEventListener('resize', check);
        check();
    }

    if (window.qbank) {
        window.qbank.scrollers = watchScrollers;
    }

    function init() {
        addSkipLink();
        fitChapterArrows();
        keepFocusInSight();
        repairChrome();
        watchScrollers();
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
