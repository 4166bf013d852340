package rule

import "fmt"

// Describe registers the metadata of rules that the values engine does not
// run itself, such as the checks of rendered manifests, so that `airlock
// rules`, config validation and reports know their ids. Metadata is
// validated and duplicate ids are rejected, as in Register.
func (r *Registry) Describe(metas ...Meta) error {
	for _, m := range metas {
		if err := m.Validate(); err != nil {
			return err
		}
		if r.ids[m.ID] {
			return fmt.Errorf("rule %s registered twice", m.ID)
		}
		r.ids[m.ID] = true
		r.metas = append(r.metas, m)
	}
	return nil
}
