// Package baseline records accepted findings so CI fails only on new
// ones. Entries are keyed on rule, values path and a salted hash of the
// secret: they survive line moves, reformatting and file renames, and the
// file never contains a secret (the salt is random per baseline, so a
// hash cannot be matched against another repository's).
package baseline

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/airlockhq/airlock/internal/atomicfile"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Version is the file format version.
const Version = 1

// Entry is one accepted finding.
type Entry struct {
	RuleID     string `json:"ruleId"`
	ValuesPath string `json:"valuesPath"`
	// ValueHash is HMAC-SHA256(salt, secret), hex.
	ValueHash string `json:"valueHash"`
	// File is informational (where it was when accepted); not part of the key.
	File   string `json:"file,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// File is a baseline document.
type File struct {
	Version int     `json:"version"`
	Salt    string  `json:"salt"`
	Entries []Entry `json:"entries"`
}

// New builds a baseline accepting every finding, with a fresh salt.
func New(fs []finding.Finding) (*File, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("baseline salt: %w", err)
	}
	b := &File{Version: Version, Salt: hex.EncodeToString(salt)}
	seen := map[Entry]bool{}
	for _, f := range fs {
		e := Entry{RuleID: f.RuleID, ValuesPath: f.Path, ValueHash: b.hash(f), File: f.Loc.File}
		if !seen[e] {
			seen[e] = true
			b.Entries = append(b.Entries, e)
		}
	}
	sort.Slice(b.Entries, func(i, j int) bool {
		x, y := b.Entries[i], b.Entries[j]
		if x.RuleID != y.RuleID {
			return x.RuleID < y.RuleID
		}
		if x.ValuesPath != y.ValuesPath {
			return x.ValuesPath < y.ValuesPath
		}
		return x.ValueHash < y.ValueHash
	})
	return b, nil
}

func (b *File) hash(f finding.Finding) string {
	salt, _ := hex.DecodeString(b.Salt)
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(f.Secret.Reveal()))
	return hex.EncodeToString(m.Sum(nil))
}

// Write saves the baseline atomically.
func (b *File) Write(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'), 0o644)
}

// Load reads and validates a baseline; errors name the file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &yamltree.Error{File: path, Msg: "cannot read baseline: " + err.Error()}
	}
	var b File
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, &yamltree.Error{File: path, Msg: "baseline is not valid JSON: " + err.Error()}
	}
	if b.Version != Version {
		return nil, &yamltree.Error{File: path, Msg: fmt.Sprintf("baseline version %d, want %d", b.Version, Version)}
	}
	if salt, err := hex.DecodeString(b.Salt); err != nil || len(salt) < 8 {
		return nil, &yamltree.Error{File: path, Msg: "baseline salt is missing or not hex"}
	}
	for i, e := range b.Entries {
		if e.RuleID == "" || e.ValuesPath == "" || len(e.ValueHash) != 64 {
			return nil, &yamltree.Error{File: path, Msg: fmt.Sprintf("entry %d needs ruleId, valuesPath and a 64-hex valueHash", i+1)}
		}
	}
	return &b, nil
}

// Apply removes accepted findings and returns the entries that matched
// nothing: stale entries, whose secret was fixed (or changed).
func (b *File) Apply(fs []finding.Finding) (kept []finding.Finding, stale []Entry) {
	type key struct{ rule, path, hash string }
	index := map[key]int{}
	for i, e := range b.Entries {
		index[key{e.RuleID, e.ValuesPath, e.ValueHash}] = i
	}
	used := make([]bool, len(b.Entries))
	for _, f := range fs {
		if i, ok := index[key{f.RuleID, f.Path, b.hash(f)}]; ok {
			used[i] = true
			continue
		}
		kept = append(kept, f)
	}
	for i, e := range b.Entries {
		if !used[i] {
			stale = append(stale, e)
		}
	}
	return kept, stale
}
