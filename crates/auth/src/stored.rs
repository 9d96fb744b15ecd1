//! Values the database keeps as text (stages, statuses, steps, scopes, audit kinds). Each enum
//! names its stored form once, in [`stored_enum!`]; queries bind `as_str()` instead of spelling
//! the value as an SQL literal, and rows are read back with [`get`], which refuses unknown values.

use sqlx::Row;
use sqlx::any::AnyRow;

/// An enum stored as text.
pub trait Stored: Sized + Copy + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];

    /// The stored form.
    fn stored(self) -> &'static str;

    /// The value of a stored form; `None` for text no version of Pforte wrote.
    fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.stored() == text)
    }
}

/// Declares an enum with the stored form of each variant, and `as_str` / `parse` for it.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::stored::Stored for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn stored(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl $name {
            /// The form stored in the database.
            pub fn as_str(self) -> &'static str {
                $crate::stored::Stored::stored(self)
            }

            /// The value of a stored form.
            pub fn parse(text: &str) -> Option<Self> {
                <Self as $crate::stored::Stored>::from_stored(text)
            }
        }
    };
}
pub(crate) use stored_enum;

/// The role lives in `pforte-shared` (the pages show it), its stored form is its `as_str`.
impl Stored for pforte_shared::types::Role {
    const ALL: &'static [Self] = &[Self::Admin, Self::User];
    fn stored(self) -> &'static str {
        self.as_str()
    }
}

/// Reads a stored enum from `column`. Text that names no value is a decoding error, never a guess.
pub fn get<T: Stored>(row: &AnyRow, column: &str) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    T::from_stored(&text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unknown stored value {text:?}").into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    stored_enum! {
        enum Colour {
            Red = "red",
            Blue = "blue",
        }
    }

    #[test]
    fn stored_forms_round_trip_and_unknown_text_is_refused() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Colour::Blue.as_str(), "blue");
        assert_eq!(Colour::parse("green"), None);
    }
}
