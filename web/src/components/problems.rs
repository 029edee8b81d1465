//! The problems list: one button per diagnostic; pressing it selects the span in the editor.

use strata_dockerfile::Severity;
use yew::prelude::*;

use super::inline_code::with_code;
use crate::analysis::ProblemRow;

/// What [`problems`] lists and whom it tells.
pub struct ProblemsProps {
    /// The problems, in source order.
    pub rows: Vec<ProblemRow>,
    /// Called with the problem the user chose.
    pub on_jump: Callback<ProblemRow>,
}

/// The problems panel.
pub fn problems(props: &ProblemsProps) -> Html {
    let items = props.rows.iter().map(|row| {
        let onclick = {
            let row = row.clone();
            let on_jump = props.on_jump.clone();
            Callback::from(move |_: MouseEvent| on_jump.emit(row.clone()))
        };
        let sev = row.severity.as_str();
        html! {
            <li>
                <button type="button" class={classes!("problem", format!("sev-{sev}"))} {onclick}
                        data-line={row.line.to_string()}>
                    <span class="where">{ format!("{}:{}", row.line, row.col) }</span>
                    <span class={classes!("badge", format!("badge-{sev}"))}>{ sev }</span>
                    <span class="rule-code">{ row.code }</span>
                    <span class="message">{ with_code(&row.message) }</span>
                    if let Some(help) = &row.help {
                        <span class="help">{ with_code(help) }</span>
                    }
                </button>
            </li>
        }
    });
    let errors = props
        .rows
        .iter()
        .filter(|r| r.severity == Severity::Error)
        .count();
    html! {
        <section class="pane problems" aria-label="Problems">
            <h2>{ "Problems" }<span class="count">{ props.rows.len() }</span></h2>
            if props.rows.is_empty() {
                <p class="none">{ "No problems found." }</p>
            } else {
                <ul id="problems">{ for items }</ul>
                if errors > 0 {
                    <p class="note">{ "Docker refuses a Dockerfile with errors. Select a problem to jump to it." }</p>
                } else {
                    <p class="note">{ "Select a problem to jump to it." }</p>
                }
            }
        </section>
    }
}
