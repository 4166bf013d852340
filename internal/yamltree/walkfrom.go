package yamltree

// WalkFrom is Walk from a cursor the caller built, with its real parents
// and path, so that a walk of one subtree judges it exactly as a walk of
// the whole document would, without visiting the rest. Incremental scans
// use it to look at the one section of a file that changed.
func WalkFrom(c *Cursor, b *Budget, fn Visit) error {
	return walk(c, b, fn)
}
