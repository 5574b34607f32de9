// The systemd readiness protocol (sd_notify(3)) without libsystemd: one datagram to the
// AF_UNIX socket named by $NOTIFY_SOCKET ("/path", or "@name" for the abstract namespace).
//
// Contract: a no-op returning OK when $NOTIFY_SOCKET is unset (not started by systemd with
// Type=notify). Never blocks for long: a non-blocking datagram send, errors returned, not logged.
// Thread-safe (no shared state).
#pragma once

#include <string_view>

#include "common/status.h"

namespace orchd {

// Sends `state`, e.g. "READY=1\nSTATUS=serving on :6443" or "STOPPING=1".
Status NotifySystemd(std::string_view state);

}  // namespace orchd
