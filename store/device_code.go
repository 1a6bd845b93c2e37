package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByDeviceCode returns the device authorization with device code code.
func (r DeviceCodeRepo) GetByDeviceCode(ctx context.Context, code string) (domain.DeviceCode, error) {
	return r.t.getBy(ctx, r.db, "", "device_code = $1", "", code)
}

// GetByUserCode returns the device authorization with user code code.
func (r DeviceCodeRepo) GetByUserCode(ctx context.Context, code string) (domain.DeviceCode, error) {
	return r.t.getBy(ctx, r.db, "", "user_code = $1", "", code)
}
