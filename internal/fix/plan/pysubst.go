package plan

import (
	"regexp"
	"strings"
)

// The chart's sync scripts expand ${VAR} and $VAR in some fields with
// Python's string.Template.safe_substitute, and only once the templates
// map is not empty. These functions mirror it so the plan can prove that
// adding a template changes no other field.

// pyTemplateRE is string.Template's pattern: $$, $name, ${name}, or a
// lone $ (left as is by safe_substitute). Identifiers are ASCII and case
// insensitive.
var pyTemplateRE = regexp.MustCompile(`\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})`)

// safeSubstitute mirrors Template(s).safe_substitute(m).
func safeSubstitute(s string, m map[string]string) string {
	return pyTemplateRE.ReplaceAllStringFunc(s, func(match string) string {
		sub := pyTemplateRE.FindStringSubmatch(match)
		switch {
		case sub[1] != "":
			return "$"
		case sub[2] != "":
			if v, ok := m[sub[2]]; ok {
				return v
			}
		case sub[3] != "":
			if v, ok := m[sub[3]]; ok {
				return v
			}
		}
		return match
	})
}

// substitution mirrors the chart's string_substitution: nothing happens
// to an empty string or while no template is defined.
func substitution(s string, m map[string]string) string {
	if s == "" || len(m) == 0 {
		return s
	}
	return safeSubstitute(s, m)
}

// sentinel stands for a template value airlock does not know (it lives in
// a Secret or ConfigMap the user made).
func sentinel(name string) string { return "\x00tpl:" + name + "\x00" }

func hasSentinel(s string) bool { return strings.Contains(s, "\x00tpl:") }
