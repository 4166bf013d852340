package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/strvals"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// SetFlags are the helm CLI's inline value flags, applied in helm's order
// after the -f files: --set-json, --set, --set-string, --set-file.
type SetFlags struct {
	JSON   []string
	Values []string
	String []string
	File   []string
}

// IsZero reports no inline values.
func (s SetFlags) IsZero() bool {
	return len(s.JSON)+len(s.Values)+len(s.String)+len(s.File) == 0
}

// HelmValues merges values exactly as `helm template -f ... --set ...`
// does (helm v4 pkg/cli/values): every YAML document of each file in
// order, maps merged deeply, then the inline flags. Files are the ones
// the values scan already read, so both see the same bytes (stdin
// included). Errors name the file or flag and wrap yamltree.ErrInvalid.
func HelmValues(files []*yamltree.File, set SetFlags) (map[string]any, error) {
	base := map[string]any{}
	for _, f := range files {
		m, err := loader.LoadValues(bytes.NewReader(f.Bytes))
		if err != nil {
			return nil, &yamltree.Error{File: f.Src.Name, Msg: fmt.Sprintf("helm cannot read the values: %v", err)}
		}
		base = loader.MergeMaps(base, m)
	}
	for _, v := range set.JSON {
		if t := strings.TrimSpace(v); t != "" && t[0] == '{' {
			var m map[string]any
			if err := json.Unmarshal([]byte(t), &m); err != nil {
				return nil, flagError("--set-json", v, err)
			}
			base = loader.MergeMaps(base, m)
			continue
		}
		if err := strvals.ParseJSON(v, base); err != nil {
			return nil, flagError("--set-json", v, err)
		}
	}
	for _, v := range set.Values {
		if err := strvals.ParseInto(v, base); err != nil {
			return nil, flagError("--set", v, err)
		}
	}
	for _, v := range set.String {
		if err := strvals.ParseIntoString(v, base); err != nil {
			return nil, flagError("--set-string", v, err)
		}
	}
	for _, v := range set.File {
		read := func(rs []rune) (any, error) {
			b, err := os.ReadFile(string(rs))
			return string(b), err
		}
		if err := strvals.ParseIntoFile(v, base, read); err != nil {
			return nil, flagError("--set-file", v, err)
		}
	}
	return base, nil
}

// flagError names the flag but not its value: --set often carries a
// password.
func flagError(flag, value string, err error) error {
	key, _, found := strings.Cut(value, "=")
	if !found || strings.HasPrefix(strings.TrimSpace(value), "{") {
		return &yamltree.Error{File: flag, Msg: fmt.Sprintf("cannot parse a %s value: %v", flag, redactErr(err, "="+value))}
	}
	return &yamltree.Error{File: flag, Msg: fmt.Sprintf("cannot parse %s %s=...: %v", flag, key, redactErr(err, value))}
}

// redactErr drops the flag's value from a parser message that quotes it.
func redactErr(err error, value string) string {
	msg := err.Error()
	if _, v, ok := strings.Cut(value, "="); ok && v != "" {
		msg = strings.ReplaceAll(msg, v, "***")
	}
	return msg
}
