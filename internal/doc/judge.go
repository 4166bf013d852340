package doc

import (
	"fmt"
	"slices"

	"github.com/airlockhq/airlock/internal/finding"
)

// judge gives every secret its status: the worst of what its sources are
// (a literal, a public default, a reference nothing provides, nothing at
// all) and of the findings on the values paths it owns.
func (b *builder) judge() {
	for _, s := range b.secrets {
		seen := map[string]bool{}
		// add records a problem once per values path (a finding and the
		// source it is about say the same thing); the status is the worst
		// of all, said or not.
		add := func(st Status, key, why string) {
			if s.Status == "" || st.rank() < s.Status.rank() {
				s.Status = st
			}
			if key != "" && seen[key] || slices.Contains(s.Problems, why) {
				return
			}
			seen[key] = true
			s.Problems = append(s.Problems, why)
		}
		for _, f := range b.findings {
			if f.Class == finding.Misconfig || !s.bind.claims(f.Path) {
				continue
			}
			if f.Class == finding.InsecureDefault {
				add(InsecureDefault, f.Path, "public chart default in effect: "+f.Path+" ("+findingWhere(f)+")")
			} else {
				add(Hardcoded, f.Path, "hardcoded in "+findingWhere(f)+" ("+f.Path+")")
			}
		}
		for _, src := range s.Sources {
			b.judgeSource(src, add)
		}
		if s.Status == "" {
			s.Status = OK
		}
	}
}

func (b *builder) judgeSource(src Source, add func(Status, string, string)) {
	switch src.Kind {
	case FromDefault:
		add(InsecureDefault, src.Path, "public chart default in effect: "+src.Path+" ("+src.Where+")")
	case FromValues:
		add(Hardcoded, src.Path, "hardcoded in "+src.Where+" ("+src.Path+")")
	case FromNowhere:
		add(NotSet, "", src.Text)
	case FromTemplate:
		add(Dangling, "", src.Text)
	case FromSecret, FromCommand:
		if src.Secret == "" {
			return
		}
		key := src.Key
		if src.whole {
			key = ""
		}
		pr, hasKey := b.prov.lookup(src.Secret, key)
		switch {
		case pr == nil:
			add(Dangling, "", fmt.Sprintf("Secret %s is not created by the chart, extraManifests, an ExternalSecret or --secrets-from; if it is created another way, pass its manifest with --secrets-from", src.Secret))
		case !hasKey:
			add(Dangling, "", fmt.Sprintf("Secret %s (%s) has no key %s", src.Secret, pr.Text, src.Key))
		case pr.Kind == ByExtraManifests:
			add(Hardcoded, "", "Secret "+src.Secret+" is "+pr.Text)
		}
	}
}
