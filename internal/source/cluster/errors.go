package cluster

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Reason classifies why a read failed.
type Reason uint8

// Reasons.
const (
	Failed       Reason = iota + 1 // anything else (server error, decode error)
	Forbidden                      // RBAC denied the read
	Unauthorized                   // the credentials were rejected (expired or invalid)
	Unreachable                    // no connection, TLS failure or timeout
	NotInstalled                   // the resource type does not exist (a CRD is absent)
)

func (r Reason) String() string {
	switch r {
	case Forbidden:
		return "forbidden"
	case Unauthorized:
		return "unauthorized"
	case Unreachable:
		return "unreachable"
	case NotInstalled:
		return "not installed"
	}
	return "failed"
}

// Error is a failed read: Op names it ("list secrets in namespace airflow").
type Error struct {
	Op     string
	Reason Reason
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s: %v", e.Op, e.Reason, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ReasonOf returns the reason of an *Error in err's chain, or Failed.
func ReasonOf(err error) Reason {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return Failed
}

// wrap classifies a client error; nil stays nil.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *Error
	if errors.As(err, &ce) {
		return err
	}
	return &Error{Op: op, Reason: classify(err), Err: err}
}

func classify(err error) Reason {
	switch {
	case apierrors.IsForbidden(err):
		return Forbidden
	case apierrors.IsUnauthorized(err):
		return Unauthorized
	case apierrors.IsNotFound(err):
		return NotInstalled
	case strings.Contains(err.Error(), "getting credentials"):
		// client-go's exec credential plugins (cloud CLIs) failing,
		// typically an expired login: a credentials problem, not a
		// network one.
		return Unauthorized
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var ue *url.Error
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return Unreachable
	case errors.As(err, &oe), errors.As(err, &ne):
		return Unreachable
	case errors.As(err, &ue):
		return Unreachable
	}
	return Failed
}
