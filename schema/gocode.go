package schema

// Go-side annotations of the declarations. The generator (internal/gen, run
// by go generate) renders from them what is mechanical in domain and store:
// the entity struct with its db/json tags, Params and Patch with Apply, the
// table name constants, the entity lists and the store's repository wiring.
// Nothing here changes the DDL, the Drizzle module, the diagram or the docs.

// ParamMode says whether and how a column is a field of the entity's Params
// (the input of New<Entity>).
type ParamMode int

// Param modes.
const (
	// NoParam: the column is not set from Params (the constructor or the
	// database fills it).
	NoParam ParamMode = iota
	// ParamValue: a field of the column's Go type (a pointer when the column
	// is nullable).
	ParamValue
	// ParamDefault: a pointer field; nil takes the default the constructor
	// applies (GoField.ParamComment names it).
	ParamDefault
)

// Norm is the normalization the generated Patch.Apply applies to a patched
// value (New<Entity>, hand-written, applies the same).
type Norm string

// Normalizations of patch values.
const (
	NormNone  Norm = ""
	NormTrim  Norm = "trim"  // strings.TrimSpace
	NormLower Norm = "lower" // trimmed and lower-cased
	NormRoles Norm = "roles" // comma-separated roles in their stored form
	// NormCustom: Apply leaves the field to the entity's hand-written
	// finish method (GoEntity.Finish).
	NormCustom Norm = "custom"
)

// GoField is how the generated domain code represents a column.
type GoField struct {
	Name    string // Go field name; "" derives it from the column name (user_id: UserID)
	Type    string // domain Go type of a value ("Roles", "MemberStatus"); "" derives it
	JSON    string // JSON name; "" is the Better Auth field name or the camelCase column name
	Hidden  bool   // json:"-": a secret that never appears in JSON
	Pointer bool   // the field is a pointer although the column is NOT NULL
	Comment string // comment on the entity field

	Param        ParamMode
	ParamName    string // Params field name when it differs from Name
	ParamType    string // Params field type when it differs from the derived one
	ParamComment string // comment on the Params field ("default ...")

	Patch     bool   // the column is a field of the entity's Patch
	PatchName string // Patch field name when it differs from Name
	PatchType string // Patch field type when it differs from the derived one
	PatchNorm Norm   // applied to the patched value in Apply
}

// GoName sets the Go field name of the column.
func (c *Column) GoName(name string) *Column { c.Go.Name = name; return c }

// GoType sets the domain Go type of the column's values (not a pointer:
// nullable columns get one).
func (c *Column) GoType(t string) *Column { c.Go.Type = t; return c }

// GoJSON sets the JSON name of the entity field.
func (c *Column) GoJSON(name string) *Column { c.Go.JSON = name; return c }

// Secret makes the column a domain.Secret that is left out of JSON (a token,
// a hash, a private key).
func (c *Column) Secret() *Column { c.Go.Type = "Secret"; c.Go.Hidden = true; return c }

// Redacted makes the column a domain.Secret that JSON shows as the redaction
// marker (personal data such as an IP address).
func (c *Column) Redacted() *Column { c.Go.Type = "Secret"; return c }

// GoPointer makes the entity field a pointer although the column is NOT
// NULL (the row may be read before the database filled its default).
func (c *Column) GoPointer() *Column { c.Go.Pointer = true; return c }

// ParamNote sets the comment of the Params field.
func (c *Column) ParamNote(s string) *Column { c.Go.ParamComment = s; return c }

// GoComment sets the comment of the entity field.
func (c *Column) GoComment(s string) *Column { c.Go.Comment = s; return c }

// Param makes the column a field of Params.
func (c *Column) Param() *Column { c.Go.Param = ParamValue; return c }

// ParamDefault makes the column an optional field of Params; comment says
// what nil means (e.g. "default DefaultUploadLimit").
func (c *Column) ParamDefault(comment string) *Column {
	c.Go.Param = ParamDefault
	c.Go.ParamComment = comment
	return c
}

// ParamAs overrides the Params field's name (when not "") and Go type
// (when not ""); the hand-written constructor converts it.
func (c *Column) ParamAs(name, typ string) *Column {
	if c.Go.Param == NoParam {
		c.Go.Param = ParamValue
	}
	c.Go.ParamName, c.Go.ParamType = name, typ
	return c
}

// Patch makes the column a field of Patch, set by Apply.
func (c *Column) Patch() *Column { c.Go.Patch = true; return c }

// PatchAs is Patch with a Patch field name other than the entity's.
func (c *Column) PatchAs(name string) *Column { c.Go.PatchName = name; return c.Patch() }

// PatchCustom makes the column a field of Patch (of type typ, or the derived
// one when typ is "") that the entity's hand-written finish method applies.
func (c *Column) PatchCustom(typ string) *Column {
	c.Go.PatchType = typ
	return c.Patch().Norm(NormCustom)
}

// Norm sets the normalization Apply applies to the patched value.
func (c *Column) Norm(n Norm) *Column { c.Go.PatchNorm = n; return c }

// Input is Param plus Patch: the common case of a column set at creation
// and changeable later.
func (c *Column) Input() *Column { return c.Param().Patch() }

// GoEntity is how the generated code names a table's entity.
type GoEntity struct {
	Name   string // Go type ("User", "APIKey"); "" derives it from the Better Auth model
	Plural string // repository accessor ("Users", "Roles"); "" adds s/es/ies to Name
	Doc    string // doc comment of the entity type, without the leading name
	// ParamsDoc and PatchDoc replace the generic doc sentences of Params
	// and Patch.
	ParamsDoc string
	PatchDoc  string
	// NoPatch: the entity has no Patch type (rows that are never updated
	// through the domain).
	NoPatch bool
	// NoParams: the entity has no Params, Decode<Entity>Params or
	// constructor (rows only Better Auth writes; Go reads them).
	NoParams bool
	// HandWritten: the entity struct (and its id type) is written by hand
	// in domain (a table whose ids are not typed ids: Table.ForeignIDs);
	// the generator renders only its table constant, its place in
	// AllEntities and its store wiring.
	HandWritten bool
	// Finish: Apply ends with the hand-written
	// func (p <E>Patch) finish(old <E>, next *<E>) error, which applies the
	// NormCustom fields, checks rules that compare the old row with the new
	// one and validates next, instead of next.Validate().
	Finish bool
}

// GoName sets the entity's Go type name.
func (t *Table) GoName(name string) *Table { t.Go.Name = name; return t }

// GoPlural sets the name of the repository accessor (store.Org.Roles).
func (t *Table) GoPlural(name string) *Table { t.Go.Plural = name; return t }

// GoDoc sets the doc comment of the entity type; it follows the type's name
// ("User" + " is a person who signs in").
func (t *Table) GoDoc(doc string) *Table { t.Go.Doc = doc; return t }

// GoInputDocs sets the doc comments of the Params and Patch types (each
// follows the type's name; "" keeps the generic sentence).
func (t *Table) GoInputDocs(params, patch string) *Table {
	t.Go.ParamsDoc, t.Go.PatchDoc = params, patch
	return t
}

// GoFinish declares that Apply ends with the entity's hand-written finish
// method (GoEntity.Finish).
func (t *Table) GoFinish() *Table { t.Go.Finish = true; return t }

// OmitParam leaves column (one the factory added: organization_id) out of
// the entity's Params.
func OmitParam(column string) Part { return omitParam(column) }

type omitParam string

func (o omitParam) addTo(t *Table) {
	c := t.Column(string(o))
	if c == nil {
		panic("schema: table " + t.Name + ": OmitParam(" + string(o) + "): unknown column")
	}
	c.Go.Param = NoParam
}

// GoNoPatch declares that the entity has no Patch type.
func (t *Table) GoNoPatch() *Table { t.Go.NoPatch = true; return t }

// GoNoParams declares that the entity has no Params (GoEntity.NoParams).
func (t *Table) GoNoParams() *Table { t.Go.NoParams = true; return t }

// GoHandWritten declares that the entity struct is written by hand
// (GoEntity.HandWritten).
func (t *Table) GoHandWritten() *Table { t.Go.HandWritten = true; return t }
