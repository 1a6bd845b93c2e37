package domain

// The table names (Table<Entity>) and AllEntities are generated from the
// schema's table list (entities_gen.go); go generate ./schema/ refreshes
// them.

// EntityByTable returns the zero entity stored in table, if any.
func EntityByTable(table string) (Entity, bool) {
	for _, e := range AllEntities() {
		if e.TableName() == table {
			return e, true
		}
	}
	return nil, false
}
