/// The HTML report's inline style sheet and its one small script: nothing is loaded from anywhere else.
enum HTMLPageStyle {
    /// Phone first: one column, nothing wider than the screen except inside a scrolling box.
    static let css = """
        :root{--fg:#1b1f24;--muted:#5b6570;--bg:#fff;--panel:#f4f6f8;--line:#d8dee4;--bar:#3b6fb6;--track:#e8edf2;
        --hot:#c4432b;--critical:#8e24aa;--high:#c62828;--medium:#b26a00;--low:#00838f;--info:#607d8b;--code:#f6f8fa}
        @media (prefers-color-scheme:dark){:root{--fg:#e6e9ec;--muted:#9aa5b1;--bg:#14171a;--panel:#1d2126;
        --line:#323a42;--bar:#6e9fe0;--track:#262c33;--hot:#f07157;--code:#1d2126}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
        header,main,footer{max-width:960px;margin:0 auto;padding:0 12px}
        header{padding-top:12px}
        h1{font-size:1.4em;margin:.4em 0}h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid var(--line)}
        h3{font-size:1.05em;margin:.2em 0 .4em}
        h1,h2,h3,p,li,dd,figcaption{overflow-wrap:anywhere}
        .meta{color:var(--muted);font-size:.9em;margin:.2em 0}
        .counts{display:flex;flex-wrap:wrap;gap:6px;margin:.5em 0}
        .badge{display:inline-block;border-radius:4px;padding:1px 7px;font-size:.8em;font-weight:600;color:#fff;
        background:var(--info);white-space:nowrap}
        .badge.critical{background:var(--critical)}.badge.high{background:var(--high)}
        .badge.medium{background:var(--medium)}.badge.low{background:var(--low)}.badge.info{background:var(--info)}
        .badge.new{background:var(--bar)}.badge.zero{opacity:.45}
        .notice{background:var(--panel);border-left:4px solid var(--medium);padding:6px 10px;margin:.5em 0}
        .fixes li{margin:.4em 0}.fixes .meta{display:block}
        .finding{border:1px solid var(--line);border-left-width:5px;border-radius:6px;padding:8px 12px;margin:12px 0}
        .finding.critical{border-left-color:var(--critical)}.finding.high{border-left-color:var(--high)}
        .finding.medium{border-left-color:var(--medium)}.finding.low{border-left-color:var(--low)}
        .finding.info{border-left-color:var(--info)}
        dl{margin:.4em 0;display:grid;grid-template-columns:max-content 1fr;gap:2px 10px}
        dt{color:var(--muted)}dd{margin:0}
        @media (max-width:480px){dl{grid-template-columns:1fr}dd{margin-bottom:4px}}
        ul.evidence{margin:0;padding-left:1.1em}
        .sql{position:relative;margin:.5em 0}
        pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow-x:auto;
        margin:0;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        .sql code{user-select:all;-webkit-user-select:all}
        button.copy{position:absolute;top:4px;right:4px;font-size:.8em;padding:2px 8px;border:1px solid var(--line);
        border-radius:4px;background:var(--panel);color:var(--fg);cursor:pointer}
        svg.chart{display:block;width:100%;max-width:560px;height:auto;margin:.5em 0}
        svg.trend{max-width:480px}
        svg text{fill:var(--fg);font:11px system-ui,sans-serif}svg text.value{fill:var(--muted)}
        svg .track{fill:var(--track)}svg .bar{fill:var(--bar)}svg .bar.hot{fill:var(--hot)}
        svg .bar.folded{fill:var(--muted)}svg .line{fill:none;stroke:var(--bar);stroke-width:2}
        svg .dot{fill:var(--bar)}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;font-size:.9em}th,td{padding:3px 8px;border-bottom:1px solid var(--line);
        text-align:right;white-space:nowrap}th:last-child,td:last-child{text-align:left;white-space:normal;min-width:16em}
        details{margin:.5em 0}summary{cursor:pointer;color:var(--muted)}
        footer{color:var(--muted);font-size:.85em;padding:24px 12px}
        """

    /// Shows the copy buttons where the clipboard can be written; without it (or without scripts) the SQL
    /// stays selectable with one tap (`user-select: all`).
    static let script = """
        document.querySelectorAll("button.copy").forEach(function (button) {
          if (!navigator.clipboard) { return; }
          button.hidden = false;
          button.addEventListener("click", function () {
            var code = document.getElementById(button.dataset.target);
            navigator.clipboard.writeText(code.textContent).then(function () {
              button.textContent = "Copied";
              setTimeout(function () { button.textContent = "Copy"; }, 1500);
            });
          });
        });
        """
}
