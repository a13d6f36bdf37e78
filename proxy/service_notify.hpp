#pragma once
// Tells the service manager how the proxy is doing, as sd_notify(3) does for a unit with
// Type=notify (packaging/gatehouse-proxy@.service): one datagram such as "READY=1" to the unix
// socket named by $NOTIFY_SOCKET. No libsystemd: the protocol is that single datagram
// (systemd's sd_notify(3) man page, "Notes", documents it as a stable interface).

#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace gatehouse::proxy {

// Sends `state` ("READY=1", "STOPPING=1", ...) to the socket at `socket_path`, spelled as
// $NOTIFY_SOCKET spells it: an absolute path, or '@' for Linux's abstract namespace.
// The error names the socket and what failed.
boost::system::result<void, std::string> notify_socket(std::string_view socket_path,
                                                       std::string_view state);

// notify_socket to $NOTIFY_SOCKET; without that variable (not run by systemd as Type=notify)
// nothing is sent. A failed send is logged as event=notify_failed and otherwise ignored: the
// proxy serves either way, and systemd reports the start that never became ready.
void notify_service_manager(std::string_view state);

}  // namespace gatehouse::proxy
