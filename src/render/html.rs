//! A single-file HTML report: the summary first, buttons that filter the
//! rows by status, the table with character differences marked `<del>` and
//! `<ins>`. Everything is inline (no network loads) and every text from an
//! input is escaped. `#status=changed` in the address filters on open.

use std::io::{self, Write};

use super::inline::Mark;
use crate::report::Report;

/// Text safe in HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn marked(segments: Vec<super::inline::Segment>) -> String {
    segments
        .into_iter()
        .map(|s| match s.mark {
            Mark::Same => escape(&s.text),
            Mark::Deleted => format!("<del>{}</del>", escape(&s.text)),
            Mark::Inserted => format!("<ins>{}</ins>", escape(&s.text)),
        })
        .collect()
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.inputs{color:#555;font-size:.9em;margin:0 0 1em}
.summary{display:flex;flex-wrap:wrap;gap:.5em;margin:0 0 1em}
.summary div{border:1px solid #ddd;border-radius:6px;padding:.4em .8em;background:#fafafa}
.summary b{display:block;font-size:1.2em}
.filters{margin:0 0 1em}
.filters button{margin:0 .3em .3em 0;padding:.3em .8em;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
.filters button.on{background:#333;color:#fff;border-color:#333}
table{border-collapse:collapse;width:100%;font-size:.85em}
th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#eef3fa;position:sticky;top:0}
td{white-space:pre-wrap}
tr.s-changed td,tr.s-altered td,tr.s-review td{background:#fff6dd}
tr.s-added td,tr.s-new td,tr.s-extra td{background:#e7f6ea}
tr.s-removed td,tr.s-missing td,tr.s-dropped td{background:#fde8ea}
tr.s-split td,tr.s-merged td,tr.s-duplicate td{background:#efeaf6}
del{color:#b00020;text-decoration:line-through;background:#fdd}
ins{color:#0a7a2f;text-decoration:none;background:#dfd}
.matrix td.a-yes{background:#e7f6ea}.matrix td.a-no{background:#fde8ea}.matrix td.a-partial{background:#fff6dd}.matrix td.a-other{background:#efeaf6}
"#;

const SCRIPT: &str = r#"
(function(){
  var rows=[].slice.call(document.querySelectorAll('#detail tbody tr'));
  var buttons=[].slice.call(document.querySelectorAll('.filters button'));
  function show(status){
    rows.forEach(function(r){r.hidden=!(status==='all'||r.dataset.status===status);});
    buttons.forEach(function(b){b.classList.toggle('on',b.dataset.status===status);});
    document.body.dataset.filter=status;
  }
  buttons.forEach(function(b){b.addEventListener('click',function(){show(b.dataset.status);});});
  var m=/status=([a-z]+)/.exec(location.hash);
  show(m?m[1]:'all');
})();
"#;

pub fn write(report: &Report, out: &mut Vec<u8>) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>{}</title><style>{STYLE}</style></head><body>",
        escape(&report.title)
    )?;
    writeln!(out, "<h1>{}</h1>", escape(&report.title))?;
    let inputs: Vec<String> = report
        .inputs
        .iter()
        .map(|i| format!("<code>{}</code>", escape(i)))
        .collect();
    writeln!(out, "<p class=\"inputs\">{}</p>", inputs.join(" · "))?;
    writeln!(out, "<div class=\"summary\">")?;
    for (k, v) in &report.summary {
        writeln!(out, "<div><b>{}</b>{}</div>", escape(v), escape(k))?;
    }
    writeln!(out, "</div>")?;
    // one button per status present, in the order rows show them
    let mut statuses: Vec<String> = Vec::new();
    for row in &report.rows {
        if let Some(s) = report.status_of(row) {
            if !statuses.contains(&s) {
                statuses.push(s);
            }
        }
    }
    if !statuses.is_empty() {
        write!(
            out,
            "<div class=\"filters\"><button data-status=\"all\">all ({})</button>",
            report.rows.len()
        )?;
        for s in &statuses {
            let n = report
                .rows
                .iter()
                .filter(|r| report.status_of(r).as_deref() == Some(s))
                .count();
            write!(
                out,
                "<button data-status=\"{0}\">{0} ({n})</button>",
                escape(s)
            )?;
        }
        writeln!(out, "</div>")?;
    }
    writeln!(out, "<table id=\"detail\"><thead><tr>")?;
    for c in &report.columns {
        write!(out, "<th>{}</th>", escape(c))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for row in &report.rows {
        let status = report.status_of(row).unwrap_or_default();
        write!(
            out,
            "<tr class=\"s-{0}\" data-status=\"{0}\">",
            escape(&status)
        )?;
        let marks = report.marked(row);
        for (j, cell) in row.iter().enumerate() {
            let html = match &marks[j] {
                Some(segs) => marked(segs.clone()),
                None => escape(&cell.text()),
            };
            write!(out, "<td>{html}</td>")?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table>")?;
    if let Some(matrix) = &report.matrix {
        writeln!(out, "<h2>Answers by submission</h2><table class=\"matrix\"><thead><tr><th>id</th><th>measure</th>")?;
        for f in &matrix.files {
            write!(out, "<th>{}</th>", escape(f))?;
        }
        writeln!(out, "</tr></thead><tbody>")?;
        for (id, measure, answers) in &matrix.rows {
            write!(
                out,
                "<tr><td>{}</td><td>{}</td>",
                escape(id),
                escape(measure)
            )?;
            for a in answers {
                write!(out, "<td class=\"a-{0}\">{0}</td>", escape(a))?;
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    writeln!(out, "<script>{SCRIPT}</script></body></html>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
