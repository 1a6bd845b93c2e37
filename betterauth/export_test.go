package betterauth

// SetPasswordHooks installs the test hooks of h: waiting runs when a call
// finds every slot taken, acquired when a call holds a slot (tests only).
func SetPasswordHooks(h *PasswordHasher, waiting, acquired func()) {
	h.waiting, h.acquired = waiting, acquired
}
