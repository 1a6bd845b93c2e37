package domain

import (
	"encoding/json"
	"errors"
)

func jsonUnmarshalString(b []byte, dst *string) error {
	if err := json.Unmarshal(b, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return errors.New("must be a JSON string")
		}
		return err
	}
	return nil
}
