package sinksvc

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"syscall"

	"github.com/newsflow/newsflow/pipeline"
)

// storeError marks a failed save as the store being unavailable
// (pipeline.Unavailable) when no article can have caused it: the database
// cannot be reached or the connection broke (PostgreSQL restarting), or
// SQLite stayed busy, locked, out of disk or failing I/O. The runner then
// holds the article until the store answers instead of dead-lettering it
// after a few attempts. Anything else keeps the runner's ordinary rules.
func storeError(err error) error {
	var opErr *net.OpError
	var coded interface{ Code() int } // modernc.org/sqlite's *Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &opErr):
		return pipeline.Unavailable(err)
	case errors.As(err, &coded):
		switch coded.Code() & 0xff { // primary result code
		case sqliteBusy, sqliteLocked, sqliteIOErr, sqliteFull, sqliteCantOpen:
			return pipeline.Unavailable(err)
		}
	}
	return err
}

// SQLite's primary result codes (https://www.sqlite.org/rescode.html).
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)
