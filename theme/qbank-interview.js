// qbank interview mode: score a record against its rubric in the page (handbook edition only).
// Classic script on top of qbank-core.js; it does nothing on a page without a rubric, so the
// practice edition (which has none, and does not load this file) never shows it.
//
// State lives in qbank.store under keys of this record's page and the questions' ids
// (`iv:<page>:mode`, `iv:<page>:q:<id>`, `iv:<page>:card`), so it survives renumbering; another
// tab's writes arrive through the `storage` event and are shown (the later write wins).
//
// The pure logic at the top is also loaded by node for unit tests (module.exports).
(function () {
    'use strict';

    // ---- Pure logic ------------------------------------------------------------------------

    // The level most often given, ties going to the lower level. `scale` lists the record's
    // levels best first (精通 熟练 了解 欠缺), so "lower" is further down the list. Levels
    // not in the scale are ignored; null when none was given.
    function suggestLevel(given, scale) {
        var counts = scale.map(function () {
            return 0;
        });
        (given || []).forEach(function (l) {
            var i = scale.indexOf(l);
            if (i >= 0) {
                counts[i] += 1;
            }
        });
        var best = -1;
        for (var i = 0; i < scale.length; i++) {
            if (counts[i] > 0 && (best < 0 || counts[i] >= counts[best])) {
                best = i;
            }
        }
        return best < 0 ? null : scale[best];
    }

    // Suggestions for every dimension from the per-question levels: `questions` is a list of
    // `{dim: level}` objects.
    function suggestAll(dimensions, scale, questions) {
        var out = {};
        dimensions.forEach(function (d) {
            var given = [];
            (questions || []).forEach(function (q) {
                if (q && typeof q[d] === 'string') {
                    given.push(q[d]);
                }
            });
            out[d] = suggestLevel(given, scale);
        });
        return out;
    }

    // The radar's geometry in a square of side `size`: one axis per dimension (the first
    // pointing up, clockwise), one ring per level (the best level outermost), and the points
    // of the chosen levels (a dimension without a level sits at the centre).
    function radarGeometry(dimensions, scale, chosen, size) {
        var c = size / 2;
        var radius = size / 2 - 8;
        var n = dimensions.length;
        var steps = scale.length;
        function at(i, r) {
            var a = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
            return [round(c + r * Math.cos(a)), round(c + r * Math.sin(a))];
        }
        var axes = dimensions.map(function (d, i) {
            return { dimension: d, end: at(i, radius) };
        });
        var rings = [];
        for (var s = 1; s <= steps; s++) {
            var pts = [];
            for (var i = 0; i < n; i++) {
                pts.push(at(i, (radius * s) / steps));
            }
            rings.push(pts);
        }
        var points = dimensions.map(function (d, i) {
            var k = scale.indexOf((chosen || {})[d]);
            var value = k < 0 ? 0 : steps - k;
            return at(i, steps ? (radius * value) / steps : 0);
        });
        return { centre: [c, c], axes: axes, rings: rings, points: points };
    }

    function round(x) {
        return Math.round(x * 10) / 10;
    }

    // ---- Export: the record's markdown with the evaluation filled in ----

    // A fence for `text` that no line of it can close: backticks, one more than its longest
    // run (at least three).
    function fenceFor(text) {
        var longest = 0;
        var runs = String(text).match(/`+/g) || [];
        runs.forEach(function (r) {
            longest = Math.max(longest, r.length);
        });
        return new Array(Math.max(3, longest + 1) + 1).join('`');
    }

    function normalize(text) {
        return String(text || '').replace(/\r\n?/g, '\n').replace(/\s+$/, '');
    }

    // Seconds as `M:SS` (minutes unbounded), the form the notes block holds.
    function clock(t) {
        t = Math.max(0, Math.floor(t || 0));
        var sec = t % 60;
        return Math.floor(t / 60) + ':' + (sec < 10 ? '0' : '') + sec;
    }

    // The interviewer-notes block of one question, as lines. Levels, ticks and time in a list,
    // the free text in a fence, so that nothing in it is ever markup or structure. A question
    // with only a time (it was in view, nothing was scored) has no block.
    function notesBlock(q, words) {
        var lines = ['**' + words.notes + '**:', ''];
        var items = [];
        Object.keys(q.levels || {}).forEach(function (d) {
            if (q.levels[d]) {
                items.push('- **' + d + '**: ' + q.levels[d]);
            }
        });
        if (q.ticks && q.ticks.length) {
            items.push('- **' + words.keyPoints + '**: ' + q.ticks.join(', '));
        }
        var text = normalize(q.notes);
        if (!items.length && !text) {
            return null;
        }
        if (q.time > 0 && words.time) {
            items.push('- **' + words.time + '**: ' + clock(q.time));
        }
        lines = lines.concat(items);
        if (text) {
            if (items.length) {
                lines.push('');
            }
            var fence = fenceFor(text);
            lines.push(fence + 'text');
            lines = lines.concat(text.split('\n'));
            lines.push(fence);
        }
        return lines;
    }

    function hasNotes(q) {
        return !!notesBlock(q, { notes: 'n', keyPoints: 'k' });
    }

    // Lines of `source` with whether each is inside a fenced code block (fence lines count as
    // inside).
    function scanLines(source) {
        var lines = source.split('\n');
        var inside = [];
        var open = null;
        lines.forEach(function (line, i) {
            var m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
            if (open) {
                inside[i] = true;
                if (m && m[1][0] === open[0] && m[1].length >= open.length && !m[2].trim()) {
                    open = null;
                }
            } else if (m && !(m[1][0] === '`' && m[2].indexOf('`') >= 0)) {
                open = m[1];
                inside[i] = true;
            } else {
                inside[i] = false;
            }
        });
        return { lines: lines, inside: inside };
    }

    function headingOf(line) {
        var m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
        return m ? { level: m[1].length, text: m[2] } : null;
    }

    function boldLabel(line) {
        var m = /^\*\*(.+?)\*\*\s*[:：]|^\*\*(.+?)[:：]\*\*/.exec(line.trim());
        return m ? (m[1] || m[2]).trim() : null;
    }

    function isWord(text, words) {
        return (words || []).some(function (w) {
            return w.trim().toLowerCase() === String(text).trim().toLowerCase();
        });
    }

    // The record's markdown `source` with: each dimension line of the evaluation template
    // ticked at `data.levels[dim]`, the summary in the summary block, and an interviewer-notes
    // block closing each question of `data.questions` ({number, levels, ticks, notes, time})
    // that has any. `words`: {notes, keyPoints, time, evaluation: [...], summary: [...]}. `data.orphans`
    // ({id, notes...}) are notes of questions no longer in the record: kept in a marked block
    // at the end.
    function exportRecord(source, data, words) {
        var scan = scanLines(String(source).replace(/\r\n/g, '\n'));
        var lines = scan.lines;
        var inside = scan.inside;
        var notesWords = [words.notes].concat(words.notesAll || []);
        // Question headings, matched in order by number; the evaluation template's heading.
        var evalAt = -1;
        var heads = [];
        var qs = data.questions || [];
        var k = 0;
        for (var i = 0; i < lines.length; i++) {
            if (inside[i]) {
                continue;
            }
            var h = headingOf(lines[i]);
            if (!h) {
                continue;
            }
            if (evalAt < 0 && isWord(h.text, words.evaluation)) {
                evalAt = i;
                break;
            }
            var num = /^(\d+)\s*[.、)]/.exec(h.text);
            if (num && k < qs.length && num[1] === String(qs[k].number) && h.level >= 2 && h.level <= 4) {
                heads.push({ at: i, q: qs[k], level: h.level });
                k++;
            }
        }
        var limit = evalAt < 0 ? lines.length : evalAt;
        // Edits, from the end so indices hold: [from, to, newLines].
        var edits = [];
        heads.forEach(function (hd, n) {
            var end = n + 1 < heads.length ? heads[n + 1].at : limit;
            // A later heading of the same or a higher level that is not a question also ends it.
            var contentEnd = end;
            while (contentEnd > hd.at + 1 && /^\s*(?:-{3,}|\*{3,}|_{3,})?\s*$/.test(lines[contentEnd - 1]) && !inside[contentEnd - 1]) {
                contentEnd--;
            }
            var marker = -1;
            for (var j = hd.at + 1; j < contentEnd; j++) {
                if (!inside[j] && isWord(boldLabel(lines[j]) || '', notesWords)) {
                    marker = j;
                    break;
                }
            }
            var block = notesBlock(hd.q, words);
            if (marker >= 0) {
                var from = marker;
                // Drop the blank line before the block with it when the block goes.
                if (!block && from > 0 && !lines[from - 1].trim()) {
                    from--;
                }
                edits.push([from, contentEnd, block || []]);
            } else if (block) {
                edits.push([contentEnd, contentEnd, [''].concat(block)]);
            }
        });
        // The evaluation template: dimension lines and the summary.
        if (evalAt >= 0) {
            for (var e = evalAt + 1; e < lines.length; e++) {
                if (inside[e]) {
                    continue;
                }
                var dm = /^(\s*[-*+]\s+)(.*)$/.exec(lines[e]);
                var dim = dm && boldLabel(dm[2]);
                if (dim && /\[[ xX✓✔]\]/.test(lines[e]) && Object.prototype.hasOwnProperty.call(data.levels || {}, dim)) {
                    var want = data.levels[dim] || '';
                    var head = lines[e].slice(0, lines[e].indexOf('[')).length;
                    var rest = lines[e].slice(head);
                    // Only the lines whose every bracket is a box are dimension lines.
                    rest = rest.replace(/\[([ xX✓✔])\]([^\[]*)/g, function (all, mark, label) {
                        return '[' + (label.trim() === want ? 'x' : ' ') + ']' + label;
                    });
                    edits.push([e, e + 1, [lines[e].slice(0, head) + rest]]);
                    continue;
                }
                var sh = headingOf(lines[e]);
                var summary = normalize(data.summary);
                if (sh && isWord(sh.text, words.summary) && summary) {
                    var fence = fenceFor(summary);
                    var next = e + 1;
                    while (next < lines.length && !lines[next].trim()) {
                        next++;
                    }
                    var m = next < lines.length && /^ {0,3}(`{3,}|~{3,})/.exec(lines[next]);
                    var body = [fence].concat(summary.split('\n'), [fence]);
                    if (m) {
                        var close = next + 1;
                        while (close < lines.length && inside[close] && !(/^ {0,3}(`{3,}|~{3,})\s*$/.test(lines[close]) && lines[close].trim()[0] === m[1][0] && lines[close].trim().length >= m[1].length)) {
                            close++;
                        }
                        var keepFence = fence.length <= m[1].length && m[1][0] === '`' ? lines[next] : null;
                        if (keepFence) {
                            body = [lines[next]].concat(summary.split('\n'), [lines[Math.min(close, lines.length - 1)]]);
                        }
                        edits.push([next, Math.min(close + 1, lines.length), body]);
                    } else {
                        edits.push([e + 1, e + 1, [''].concat(body)]);
                    }
                }
            }
        }
        edits.sort(function (a, b) {
            return b[0] - a[0];
        });
        edits.forEach(function (ed) {
            Array.prototype.splice.apply(lines, [ed[0], ed[1] - ed[0]].concat(ed[2]));
        });
        var out = lines.join('\n');
        var orphans = (data.orphans || []).filter(hasNotes);
        if (orphans.length) {
            var text = orphans
                .map(function (o) {
                    return (notesBlock(o, { notes: '#' + o.id, keyPoints: words.keyPoints, time: words.time }) || []).join('\n');
                })
                .join('\n\n');
            var f = fenceFor(text);
            var label = (words.orphans || 'Notes of questions no longer in this record') + ':';
            // A source that is itself an export ends with such a block already: it is replaced,
            // not repeated.
            var at = out.lastIndexOf('\n\n' + label + '\n\n');
            if (at >= 0 && /^(`{3,})text\n[\s\S]*\n\1\n*$/.test(out.slice(at + label.length + 4))) {
                out = out.slice(0, at);
            }
            out = out.replace(/\n*$/, '') + '\n\n' + label + '\n\n' + f + 'text\n' + text + '\n' + f + '\n';
        }
        return out;
    }

    // `<stem>-<YYYY-MM-DD>.md`.
    function exportName(sourcePath, date) {
        var base = String(sourcePath).split('/').pop().replace(/\.[^.]*$/, '') || 'record';
        var d = date || new Date();
        var pad = function (n) {
            return (n < 10 ? '0' : '') + n;
        };
        return base + '-' + d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + '.md';
    }

    var logic = {
        suggestLevel: suggestLevel,
        suggestAll: suggestAll,
        radarGeometry: radarGeometry,
        exportRecord: exportRecord,
        exportName: exportName,
        fenceFor: fenceFor,
        clock: clock,
    };
    if (typeof module !== 'undefined' && module.exports) {
        module.exports = logic;
        return;
    }

    // ---- The page --------------------------------------------------------------------------

    var qb = window.qbank;
    if (!qb || !qb.ready) {
        return;
    }
    qb.interview = logic;
    var SVG = 'http://www.w3.org/2000/svg';

    qb.ready(function () {
        var main = document.querySelector('main');
        var cards = main ? Array.prototype.slice.call(main.querySelectorAll('section.qb-card[data-qb-question]')) : [];
        var table = main && main.querySelector('[data-qb-rubric-table]');
        // Interviewer material only: the practice edition has no rubric and no template.
        if (!main || !cards.length || !(table || main.querySelector('aside.qb-rubric'))) {
            return;
        }
        var L = qb.labels;
        var page = location.pathname.replace(/\/index\.html$/, '/');
        var prefix = 'iv:' + page + ':';

        // The record's rubric, from its evaluation template.
        var scale = [];
        var dimensions = [];
        if (table) {
            table.querySelectorAll('thead th').forEach(function (th, i) {
                if (i > 0) {
                    scale.push(th.textContent.trim());
                }
            });
            table.querySelectorAll('tbody th[scope="row"]').forEach(function (th) {
                dimensions.push(th.textContent.trim());
            });
        }
        var scored = scale.length > 0 && dimensions.length > 0;

        var uid = 0;
        function el(tag, attrs, text) {
            var e = document.createElement(tag);
            Object.keys(attrs || {}).forEach(function (k) {
                if (attrs[k] !== null && attrs[k] !== undefined) {
                    e.setAttribute(k, attrs[k]);
                }
            });
            if (text !== undefined) {
                e.textContent = text;
            }
            return e;
        }

        // ---- Storage, with a visible message when it fails ----
        var warned = false;
        var message = el('p', { class: 'qb-iv-message', role: 'status', hidden: '' });
        function save(key, value) {
            var ok = qb.store.set(prefix + key, value);
            if (!ok && !warned) {
                warned = true;
                message.textContent = L.iv_not_saved || 'Not saved';
                message.hidden = false;
            }
        }
        function load(key) {
            return qb.store.get(prefix + key);
        }

        // ---- The switch ----
        var bar = el('div', { class: 'qb-iv-bar' });
        var toggle = el('button', { type: 'button', class: 'qb-iv-toggle', 'data-qb-mode-toggle': '', 'aria-pressed': 'false' }, L.iv_mode || 'Interview mode');
        var fresh = el('button', { type: 'button', class: 'qb-iv-new', hidden: '' }, L.iv_new || 'New interview');
        bar.appendChild(toggle);
        bar.appendChild(fresh);
        bar.appendChild(message);
        var h1 = main.querySelector('h1');
        if (h1 && h1.parentNode === main) {
            main.insertBefore(bar, h1.nextSibling);
        } else {
            main.insertBefore(bar, main.firstChild);
        }

        // ---- Per question: ticks, levels, notes ----
        var questions = cards.map(function (card) {
            var id = card.getAttribute('data-qb-question');
            var aside = card.querySelector(':scope > aside.qb-rubric');
            var boxes = aside ? Array.prototype.slice.call(aside.querySelectorAll('.qb-keypoints input[type="checkbox"]')) : [];
            var tested = aside ? Array.prototype.map.call(aside.querySelectorAll('.qb-tested li'), function (li) {
                return li.textContent.trim();
            }) : [];
            var dims = tested.filter(function (d) {
                return dimensions.indexOf(d) >= 0;
            });
            if (!dims.length) {
                dims = dimensions.slice();
            }
            return { id: id, card: card, aside: aside, boxes: boxes, dims: dims, panel: null, inputs: {}, notes: null };
        });

        // What the page records (an exported evaluation put back in the bank) is the state
        // until the interviewer changes it, so exporting it again gives the same file.
        questions.forEach(function (q) {
            var rec = q.card.querySelector('[data-qb-recorded-notes]');
            if (!rec) {
                return;
            }
            var levels = {};
            rec.querySelectorAll('[data-qb-dimension][data-qb-level]').forEach(function (li) {
                levels[li.getAttribute('data-qb-dimension')] = li.getAttribute('data-qb-level');
            });
            var ticksEl = rec.querySelector('[data-qb-ticks]');
            var ticks = ticksEl
                ? ticksEl.getAttribute('data-qb-ticks').split(/[,\s]+/).filter(Boolean).map(function (n) {
                      return parseInt(n, 10) - 1;
                  })
                : [];
            var text = rec.querySelector('[data-qb-notes-text]');
            var timeEl = rec.querySelector('[data-qb-recorded-time]');
            var time = timeEl ? parseInt(timeEl.getAttribute('data-qb-recorded-time'), 10) : 0;
            q.recorded = { ticks: ticks, levels: levels, notes: text ? text.textContent : '', time: time > 0 ? time : 0 };
        });
        var recordedCard = null;
        if (table) {
            var any = false;
            var levelsRec = {};
            table.querySelectorAll('tbody tr').forEach(function (tr) {
                var th = tr.querySelector('th');
                var d = th ? th.textContent.trim() : '';
                levelsRec[d] = '';
                tr.querySelectorAll('td').forEach(function (td, i) {
                    if (td.querySelector('.qb-mark-on')) {
                        levelsRec[d] = scale[i] || '';
                        any = true;
                    }
                });
            });
            var summaryRec = table.getAttribute('data-qb-recorded-summary');
            if (any || summaryRec) {
                recordedCard = { levels: any ? levelsRec : {}, summary: summaryRec || '' };
            }
        }

        function stateOf(q) {
            var s = load('q:' + q.id);
            if (s === null && q.recorded) {
                return q.recorded;
            }
            return s && typeof s === 'object' ? s : {};
        }

        function cardState() {
            var s = load('card');
            if (s === null && recordedCard) {
                return { levels: recordedCard.levels, summary: recordedCard.summary };
            }
            return s && typeof s === 'object' ? s : {};
        }

        function saveQuestion(q) {
            var s = { ticks: [], levels: {}, notes: q.notes ? q.notes.value : '', time: q.time || 0 };
            q.boxes.forEach(function (b, i) {
                if (b.checked) {
                    s.ticks.push(i);
                }
            });
            Object.keys(q.inputs).forEach(function (d) {
                q.inputs[d].forEach(function (r) {
                    if (r.checked && r.value) {
                        s.levels[d] = r.value;
                    }
                });
            });
            save('q:' + q.id, s);
        }

        function buildPanel(q) {
            var panel = el('div', { class: 'qb-iv-panel', 'data-qb-iv-panel': '' });
            var title = q.card.querySelector('.qb-title');
            var name = title ? title.textContent.trim() : q.id;
            if (scored) {
                q.dims.forEach(function (d) {
                    var fs = el('fieldset', { class: 'qb-iv-levels' });
                    fs.appendChild(el('legend', {}, d));
                    var group = 'qbiv-' + ++uid;
                    q.inputs[d] = [];
                    scale.concat(['']).forEach(function (level) {
                        var label = el('label', { class: 'qb-iv-level' });
                        var input = el('input', {
                            type: 'radio',
                            name: group,
                            value: level,
                            'data-qb-level-input': level ? '' : null,
                            'data-qb-dimension': level ? d : null,
                        });
                        input.addEventListener('change', function () {
                            saveQuestion(q);
                            updateScorecard();
                        });
                        q.inputs[d].push(input);
                        label.appendChild(input);
                        label.appendChild(el('span', {}, level || L.iv_none || 'none'));
                        fs.appendChild(label);
                    });
                    panel.appendChild(fs);
                });
            } else {
                panel.appendChild(el('p', { class: 'qb-iv-norubric' }, L.iv_no_rubric || 'No rubric to score.'));
            }
            q.clock = el('p', { class: 'qb-iv-time', 'data-qb-time': '' });
            panel.appendChild(q.clock);
            var nid = 'qbiv-notes-' + ++uid;
            panel.appendChild(el('label', { class: 'qb-iv-notes-label', for: nid }, L.iv_notes || 'Notes'));
            q.notes = el('textarea', { id: nid, class: 'qb-iv-notes', rows: '3', 'data-qb-notes': '', 'aria-description': name });
            q.notes.addEventListener('input', function () {
                saveQuestion(q);
                fillPrintList();
            });
            panel.appendChild(q.notes);
            if (q.aside) {
                q.aside.appendChild(panel);
            } else {
                var main2 = q.card.querySelector('.qb-card-main') || q.card;
                main2.appendChild(panel);
            }
            q.panel = panel;
        }

        function fillQuestion(q) {
            var s = stateOf(q);
            var ticks = Array.isArray(s.ticks) ? s.ticks : [];
            q.boxes.forEach(function (b, i) {
                b.checked = ticks.indexOf(i) >= 0;
            });
            var levels = s.levels && typeof s.levels === 'object' ? s.levels : {};
            Object.keys(q.inputs).forEach(function (d) {
                var want = typeof levels[d] === 'string' ? levels[d] : '';
                q.inputs[d].forEach(function (r) {
                    r.checked = r.value === want;
                });
            });
            // The running question's clock is ahead of what was last saved (every 5 s).
            if (typeof s.time !== 'number') {
                q.time = q === active ? q.time || 0 : 0;
            } else {
                q.time = q === active ? Math.max(s.time, q.time || 0) : s.time;
            }
            showTime(q);
            if (q.notes && q.notes.value !== (s.notes || '')) {
                q.notes.value = typeof s.notes === 'string' ? s.notes : '';
            }
        }

        questions.forEach(function (q) {
            q.boxes.forEach(function (b) {
                b.addEventListener('change', function () {
                    if (on) {
                        saveQuestion(q);
                    }
                });
            });
        });

        // ---- The record's scorecard ----
        var card = null;
        var selects = {};
        var marks = {};
        var summary = null;
        var radarBox = null;
        var printList = null;
        var printSummary = null;

        function fillPrintList() {
            if (!printList) {
                return;
            }
            var ol = el('ol', { class: 'qb-iv-print-list' });
            questions.forEach(function (q) {
                var st = stateOf(q);
                var levels = st.levels || {};
                var parts = Object.keys(levels)
                    .filter(function (d) {
                        return levels[d];
                    })
                    .map(function (d) {
                        return d + ': ' + levels[d];
                    });
                var notes = typeof st.notes === 'string' ? st.notes.trim() : '';
                if (!parts.length && !notes) {
                    return;
                }
                var title = q.card.querySelector('.qb-title');
                var li = el('li', { value: q.card.getAttribute('data-qb-number') || null });
                li.appendChild(el('strong', {}, title ? title.textContent.replace(/^\s*\d+\.\s*/, '').trim() : q.id));
                var spent = Math.max(q.time || 0, typeof st.time === 'number' ? st.time : 0);
                if (spent > 0) {
                    parts.push((L.iv_time || 'Time') + ' ' + clock(spent));
                }
                if (parts.length) {
                    li.appendChild(el('span', {}, ' — ' + parts.join(' · ')));
                }
                if (notes) {
                    li.appendChild(el('div', { class: 'qb-iv-print-notes' }, notes));
                }
                ol.appendChild(li);
            });
            printList.replaceChildren(ol);
        }

        function chosenLevels() {
            var stored = cardState();
            var over = stored.levels && typeof stored.levels === 'object' ? stored.levels : {};
            var sugg = suggestAll(dimensions, scale, questions.map(function (q) {
                return stateOf(q).levels || {};
            }));
            var out = {};
            dimensions.forEach(function (d) {
                if (Object.prototype.hasOwnProperty.call(over, d)) {
                    out[d] = { level: over[d] || '', suggested: false };
                } else {
                    out[d] = { level: sugg[d] || '', suggested: !!sugg[d] };
                }
            });
            return out;
        }

        function buildScorecard() {
            card = el('section', { class: 'qb-iv-scorecard', 'data-qb-scorecard': '', 'aria-labelledby': 'qbiv-scorecard-h' });
            card.appendChild(el('h3', { id: 'qbiv-scorecard-h', class: 'qb-iv-scorecard-h' }, L.iv_scorecard || 'Scorecard'));
            if (scored) {
                var grid = el('div', { class: 'qb-iv-dims' });
                dimensions.forEach(function (d) {
                    var row = el('div', { class: 'qb-iv-dim' });
                    var sid = 'qbiv-dim-' + ++uid;
                    row.appendChild(el('label', { for: sid }, d));
                    var sel = el('select', { id: sid, 'data-qb-dimension': d });
                    sel.appendChild(el('option', { value: '' }, L.iv_none || 'none'));
                    scale.forEach(function (l) {
                        sel.appendChild(el('option', { value: l }, l));
                    });
                    sel.addEventListener('change', function () {
                        var stored = cardState();
                        stored.levels = stored.levels && typeof stored.levels === 'object' ? stored.levels : {};
                        stored.levels[d] = sel.value;
                        save('card', stored);
                        updateScorecard();
                    });
                    selects[d] = sel;
                    marks[d] = el('span', { class: 'qb-iv-suggested', 'data-qb-suggested': '', hidden: '' }, L.iv_suggested || 'suggested');
                    row.appendChild(sel);
                    row.appendChild(marks[d]);
                    grid.appendChild(row);
                });
                card.appendChild(grid);
                var accept = el('button', { type: 'button', class: 'qb-iv-accept', 'data-qb-accept': '' }, L.iv_accept || 'Accept suggestions');
                accept.addEventListener('click', function () {
                    var chosen = chosenLevels();
                    var stored = cardState();
                    stored.levels = {};
                    dimensions.forEach(function (d) {
                        stored.levels[d] = chosen[d].level;
                    });
                    save('card', stored);
                    updateScorecard();
                });
                card.appendChild(accept);
                radarBox = el('div', { class: 'qb-iv-radar' });
                card.appendChild(radarBox);
            } else {
                card.appendChild(el('p', { class: 'qb-iv-norubric' }, L.iv_no_rubric || 'No rubric to score.'));
            }
            // For print: each question's levels and notes, as text.
            printList = el('div', { class: 'qb-iv-print', 'data-qb-print-scorecard': '' });
            card.appendChild(printList);
            var sumId = 'qbiv-summary-' + ++uid;
            card.appendChild(el('label', { for: sumId, class: 'qb-iv-notes-label' }, L.iv_summary || 'Summary'));
            summary = el('textarea', { id: sumId, class: 'qb-iv-summary', rows: '4', 'data-qb-summary': '' });
            summary.addEventListener('input', function () {
                var stored = cardState();
                stored.summary = summary.value;
                save('card', stored);
                printSummary.textContent = summary.value;
            });
            card.appendChild(summary);
            // Printed in the textarea's place, whole.
            printSummary = el('div', { class: 'qb-iv-print-summary' });
            card.appendChild(printSummary);
            var actions = el('div', { class: 'qb-iv-actions' });
            var exportBtn = el('button', { type: 'button', class: 'qb-iv-export', 'data-qb-export': '' }, L.iv_export || 'Export evaluation');
            var copyBtn = el('button', { type: 'button', class: 'qb-iv-copy', 'data-qb-copy-markdown': '' }, L.iv_copy || 'Copy as markdown');
            var said = el('p', { class: 'qb-iv-said', role: 'status' });
            exportBtn.addEventListener('click', function () {
                withExport(function (text, name) {
                    var blob = new Blob([text], { type: 'text/markdown;charset=utf-8' });
                    var a = el('a', { href: URL.createObjectURL(blob), download: name });
                    document.body.appendChild(a);
                    a.click();
                    setTimeout(function () {
                        URL.revokeObjectURL(a.href);
                        a.remove();
                    }, 1000);
                }, said);
            });
            copyBtn.addEventListener('click', function () {
                withExport(function (text) {
                    var done = function () {
                        said.textContent = L.iv_copied || 'Copied';
                    };
                    if (navigator.clipboard && navigator.clipboard.writeText) {
                        navigator.clipboard.writeText(text).then(done, function () {
                            said.textContent = L.iv_not_saved || 'Could not copy';
                        });
                    }
                }, said);
            });
            actions.appendChild(exportBtn);
            actions.appendChild(copyBtn);
            card.appendChild(actions);
            card.appendChild(said);
            if (table) {
                var wrap = table.closest('.table-wrapper') || table;
                wrap.parentNode.insertBefore(card, wrap);
            } else {
                main.appendChild(card);
            }
        }

        function drawRadar(chosen) {
            if (!radarBox) {
                return;
            }
            var size = 240;
            var levels = {};
            dimensions.forEach(function (d) {
                levels[d] = chosen[d].level;
            });
            var g = radarGeometry(dimensions, scale, levels, size);
            var pad = 70;
            var svg = document.createElementNS(SVG, 'svg');
            svg.setAttribute('data-qb-radar', '');
            svg.setAttribute('viewBox', -pad + ' ' + -20 + ' ' + (size + 2 * pad) + ' ' + (size + 40));
            svg.setAttribute('role', 'img');
            svg.setAttribute('class', 'qb-radar');
            var desc = dimensions.map(function (d) {
                return d + ': ' + (levels[d] || L.iv_none || 'none');
            }).join('; ');
            svg.setAttribute('aria-label', (L.iv_radar || 'Radar chart') + ' — ' + desc);
            function node(tag, attrs) {
                var e = document.createElementNS(SVG, tag);
                Object.keys(attrs).forEach(function (k) {
                    e.setAttribute(k, attrs[k]);
                });
                svg.appendChild(e);
                return e;
            }
            function pts(list) {
                return list.map(function (p) {
                    return p[0] + ',' + p[1];
                }).join(' ');
            }
            g.rings.forEach(function (ring) {
                node('polygon', { points: pts(ring), class: 'qb-radar-ring' });
            });
            g.axes.forEach(function (a) {
                var line = node('line', { x1: g.centre[0], y1: g.centre[1], x2: a.end[0], y2: a.end[1], class: 'qb-radar-axis', 'data-qb-axis': a.dimension });
                line.setAttribute('data-qb-dimension', a.dimension);
                var dx = a.end[0] - g.centre[0];
                var dy = a.end[1] - g.centre[1];
                var t = node('text', {
                    x: a.end[0] + (dx === 0 ? 0 : dx > 0 ? 6 : -6),
                    y: a.end[1] + (dy < -1 ? -6 : dy > 1 ? 14 : 4),
                    'text-anchor': Math.abs(dx) < 1 ? 'middle' : dx > 0 ? 'start' : 'end',
                    class: 'qb-radar-label',
                });
                t.textContent = a.dimension;
            });
            node('polygon', { points: pts(g.points), class: 'qb-radar-shape' });
            radarBox.replaceChildren(svg);
        }

        function updateScorecard() {
            if (!card) {
                return;
            }
            var chosen = chosenLevels();
            dimensions.forEach(function (d) {
                if (selects[d].value !== chosen[d].level) {
                    selects[d].value = chosen[d].level;
                }
                marks[d].hidden = !chosen[d].suggested;
                selects[d].setAttribute('aria-description', chosen[d].suggested ? L.iv_suggested || 'suggested' : '');
            });
            var stored = cardState();
            if (summary && document.activeElement !== summary) {
                summary.value = typeof stored.summary === 'string' ? stored.summary : '';
            }
            if (printSummary) {
                printSummary.textContent = summary ? summary.value : '';
            }
            drawRadar(chosen);
            fillPrintList();
            showTotal();
        }

        // ---- Export ----
        // The record's source is `qbank/sources/<page>.js` (written by `qbank build`), loaded
        // by a script element when export is first pressed: it works from file:// too.
        var source = null;
        function loadSource(done, fail) {
            if (source) {
                return done(source);
            }
            var rel = qb.pagePath(location.href);
            if (!rel || /\/$/.test(rel)) {
                rel += 'index.html';
            }
            var s = document.createElement('script');
            s.src = (window.path_to_root || '') + 'qbank/sources/' + encodeURI(rel.replace(/\.html$/, '.js'));
            s.onload = function () {
                source = window.qbankSource || null;
                if (source && typeof source.source === 'string') {
                    done(source);
                } else {
                    fail();
                }
            };
            s.onerror = fail;
            document.head.appendChild(s);
        }

        function exportText(src) {
            var data = { questions: [], levels: {}, summary: '', orphans: [] };
            var ids = {};
            questions.forEach(function (q) {
                ids[q.id] = true;
                var st = stateOf(q);
                data.questions.push({
                    number: q.card.getAttribute('data-qb-number'),
                    levels: st.levels || {},
                    ticks: (st.ticks || []).map(function (i) {
                        return i + 1;
                    }),
                    notes: st.notes || '',
                    time: Math.max(q.time || 0, typeof st.time === 'number' ? st.time : 0),
                });
            });
            // Notes kept for questions this record no longer has.
            qb.store.keys().forEach(function (k) {
                if (k.indexOf(prefix + 'q:') === 0 && !ids[k.slice(prefix.length + 2)]) {
                    var st = load(k.slice(prefix.length)) || {};
                    data.orphans.push({ id: k.slice(prefix.length + 2), levels: st.levels || {}, ticks: (st.ticks || []).map(function (i) { return i + 1; }), notes: st.notes || '', time: typeof st.time === 'number' ? st.time : 0 });
                }
            });
            var chosen = chosenLevels();
            dimensions.forEach(function (d) {
                data.levels[d] = chosen[d].level;
            });
            data.summary = cardState().summary || '';
            var words = {
                notes: (src.notes || [])[0] || '面试官记录',
                notesAll: src.notes || [],
                keyPoints: (src.key_points || [])[0] || '考察要点',
                time: (src.time || [])[0] || '用时',
                evaluation: src.evaluation || [],
                summary: src.summary || [],
                orphans: L.iv_orphans,
            };
            return exportRecord(src.source, data, words);
        }

        function withExport(use, said) {
            loadSource(
                function (src) {
                    said.textContent = '';
                    use(exportText(src), exportName(src.file || 'record.md'));
                },
                function () {
                    said.textContent = L.iv_no_source || 'No source to export.';
                },
            );
        }

        // ---- Elapsed time: runs for the question last opened or in view ----
        var mmss = clock;
        function showTime(q) {
            if (q.clock) {
                q.clock.textContent = (L.iv_time || 'Time') + ' ' + mmss(q.time || 0);
            }
        }
        var planned = 0;
        var info = main.querySelector('[data-qb-info]');
        var pm = info && /(\d+)\s*(?:分钟|min)/i.exec(info.textContent);
        if (pm) {
            planned = parseInt(pm[1], 10);
        }
        var totalEl = null;
        function showTotal() {
            if (!card) {
                return;
            }
            if (!totalEl) {
                totalEl = el('p', { class: 'qb-iv-total', 'data-qb-total-time': '' });
                card.insertBefore(totalEl, card.children[1] || null);
            }
            var total = 0;
            questions.forEach(function (q) {
                total += q.time || 0;
            });
            totalEl.textContent = (L.iv_total_time || 'Total time') + ' ' + mmss(total) + (planned ? ' / ' + planned + ':00' : '');
        }
        var active = null;
        questions.forEach(function (q) {
            q.card.addEventListener('focusin', function () {
                active = q;
            });
            q.card.addEventListener('pointerdown', function () {
                active = q;
            });
        });
        if (typeof IntersectionObserver === 'function') {
            var seen = new IntersectionObserver(
                function (entries) {
                    entries.forEach(function (e) {
                        if (e.isIntersecting) {
                            questions.forEach(function (q) {
                                if (q.card === e.target) {
                                    active = q;
                                }
                            });
                        }
                    });
                },
                { rootMargin: '-40% 0px -40% 0px' },
            );
            questions.forEach(function (q) {
                seen.observe(q.card);
            });
        }
        // The clock is saved every 5 s; a reload or a closed tab must not lose the rest.
        function saveClock() {
            if (!on) {
                return;
            }
            questions.forEach(function (q) {
                if (q.recorded && load('q:' + q.id) === null) {
                    return;
                }
                var st = stateOf(q);
                if ((q.time || 0) > (st.time || 0)) {
                    st.time = q.time;
                    save('q:' + q.id, st);
                }
            });
        }
        window.addEventListener('pagehide', saveClock);
        document.addEventListener('visibilitychange', function () {
            if (document.hidden) {
                saveClock();
            }
        });
        var ticks = 0;
        setInterval(function () {
            if (!on || !active || document.hidden) {
                return;
            }
            // A question as the page records it (an exported evaluation put back in the bank)
            // is a finished interview: its clock stays until the interviewer changes it, so
            // exporting the page again unchanged gives the same file.
            if (active.recorded && load('q:' + active.id) === null) {
                return;
            }
            active.time = (active.time || 0) + 1;
            showTime(active);
            showTotal();
            if (++ticks % 5 === 0) {
                var st = stateOf(active);
                st.time = active.time;
                save('q:' + active.id, st);
            }
        }, 1000);

        // ---- On and off ----
        var on = false;
        function setMode(value, remember) {
            on = value;
            toggle.setAttribute('aria-pressed', on ? 'true' : 'false');
            document.documentElement.classList.toggle('qb-interview', on);
            fresh.hidden = !on;
            if (on) {
                questions.forEach(function (q) {
                    if (!q.panel) {
                        buildPanel(q);
                    }
                    q.panel.hidden = false;
                    fillQuestion(q);
                });
                if (!card) {
                    buildScorecard();
                }
                card.hidden = false;
                updateScorecard();
            } else {
                questions.forEach(function (q) {
                    if (q.panel) {
                        q.panel.hidden = true;
                    }
                });
                if (card) {
                    card.hidden = true;
                }
            }
            if (remember) {
                save('mode', on);
            }
        }

        toggle.addEventListener('click', function () {
            setMode(!on, true);
        });
        fresh.addEventListener('click', function () {
            if (!window.confirm(L.iv_confirm_new || 'Clear this interview?')) {
                return;
            }
            // What the page records is not brought back: an empty state stands in for it.
            active = null;
            questions.forEach(function (q) {
                q.time = 0;
                if (q.recorded) {
                    save('q:' + q.id, {});
                } else {
                    qb.store.remove(prefix + 'q:' + q.id);
                }
            });
            if (recordedCard) {
                save('card', {});
            } else {
                qb.store.remove(prefix + 'card');
            }
            setMode(true, false);
        });

        // Another tab wrote: show its state.
        window.addEventListener('storage', function (e) {
            if (!e.key || e.key.indexOf(qb.store.namespace + prefix) !== 0) {
                return;
            }
            var mode = load('mode');
            if (mode !== on) {
                setMode(!!mode, false);
            } else if (on) {
                questions.forEach(fillQuestion);
                updateScorecard();
            }
        });

        var asked = /(?:^|[?&])mode=interview(?:&|$)/.test(location.search);
        if (asked) {
            setMode(true, true);
        } else if (load('mode') === true) {
            setMode(true, false);
        }
    });
})();
