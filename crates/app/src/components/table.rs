use crate::i18n::t;
use leptos::prelude::*;
use pforte_shared::Msg;

/// A data table named by the heading `labelledby` (an element id), with one column header per
/// message; `children` are the body's rows. Scrolls sideways on narrow screens.
#[component]
pub fn DataTable(
    labelledby: &'static str,
    columns: &'static [Msg],
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table aria-labelledby=labelledby>
                <thead>
                    <tr>
                        {columns
                            .iter()
                            .map(|c| view! { <th scope="col">{t(*c)}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
