package store

import "maps"

// SetFailpoint installs a function called at every workflow step; an error
// it returns aborts the workflow at that step (tests only).
func (s *Store) SetFailpoint(f func(step string) error) { s.failpoint = f }

// TableScopes reports, for every table the store maps, whether its
// statements are organization-scoped.
func TableScopes() map[string]bool { return maps.Clone(tableScopes) }

// GlobalDB is what the store's global statements run on (the pool, or the
// pool behind the per-statement prologue of a transaction pooler).
func (s *Store) GlobalDB() DB { return s.db }
