package store

import "context"

type actorKey struct{}
type sourceKey struct{}

// WithActor returns a context whose writes are attributed to actor (usually
// a user id, or a service name such as "billing-sync"): it goes into
// created_by, updated_by and deleted_by.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor of ctx, if any.
func ActorFrom(ctx context.Context) (string, bool) {
	a, ok := ctx.Value(actorKey{}).(string)
	return a, ok && a != ""
}

// WithSource returns a context whose writes record source (for example
// "api", "import", "admin-cli") in the source column.
func WithSource(ctx context.Context, source string) context.Context {
	return context.WithValue(ctx, sourceKey{}, source)
}

// audit returns the (actor, source) to record for a write: nil actor when
// none is known, so the column default applies.
func (s *Store) audit(ctx context.Context) (actor *string, source string) {
	if a, ok := ActorFrom(ctx); ok {
		actor = &a
	}
	source = s.opts.Source
	if v, ok := ctx.Value(sourceKey{}).(string); ok && v != "" {
		source = v
	}
	return actor, source
}
