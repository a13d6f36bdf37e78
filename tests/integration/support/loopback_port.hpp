#pragma once
// Loopback ports for integration tests: the port of a `host:port` a process printed, and a port
// with nothing listening (an instance that refuses, an agent that is not there).

#include <cstdint>
#include <string>

namespace gatehouse::testing {

// The port of `host:port` or `[v6]:port`.
std::uint16_t port_of(const std::string& address);

// A 127.0.0.1 port that was free a moment ago: bound, then closed again. 0 if none was found.
std::uint16_t unused_loopback_port();

}  // namespace gatehouse::testing
