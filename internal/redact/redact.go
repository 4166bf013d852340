// Package redact keeps secret values out of every output. A Value prints
// as a mask wherever it goes (fmt, JSON, logs); only Reveal returns the
// plaintext, and only code that must write the secret somewhere on the
// user's explicit request (fix, --show-secrets) calls it.
package redact

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Value holds a secret.
type Value struct{ s string }

// New wraps a plaintext secret.
func New(s string) Value { return Value{s: s} }

// Reveal returns the plaintext. Callers must be writing it where the user
// asked for it.
func (v Value) Reveal() string { return v.s }

// Len is the length in characters, which masks show.
func (v Value) Len() int { return utf8.RuneCountInString(v.s) }

// IsZero reports whether no secret is held.
func (v Value) IsZero() bool { return v.s == "" }

// Mask shows the first two characters of secrets long enough that this
// leaves most of the value unknown, and the length: enough for a user to
// recognise which value is meant, never enough to use it.
func (v Value) Mask() string {
	n := v.Len()
	if n == 0 {
		return ""
	}
	if n < 12 {
		return fmt.Sprintf("*** (%d chars)", n)
	}
	r := []rune(v.s)
	prefix := string(r[:2])
	for _, c := range prefix {
		if c < 0x20 || c == 0x7f {
			prefix = ""
		}
	}
	return fmt.Sprintf("%s*** (%d chars)", prefix, n)
}

// String implements fmt.Stringer with the mask.
func (v Value) String() string { return v.Mask() }

// GoString keeps %#v from printing the field.
func (v Value) GoString() string { return "redact.Value(" + v.Mask() + ")" }

// Format makes every verb print the mask, including %q and %x.
func (v Value) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(v.Mask())) }

// MarshalJSON writes the mask.
func (v Value) MarshalJSON() ([]byte, error) { return json.Marshal(v.Mask()) }

// MarshalText writes the mask (yaml, text encoders).
func (v Value) MarshalText() ([]byte, error) { return []byte(v.Mask()), nil }
