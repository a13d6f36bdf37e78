#pragma once
// How the probe reads one connection (README "Probe"): after the TLS handshake it waits a settle
// window. Any application byte, or a connection still open when the window ends, means the
// destination's sidecar let us through (a silent app keeps the connection open); a clean
// close_notify with zero application bytes inside the window means the sidecar refused us (it
// never dials the app for a denied caller and never holds such a connection open). A TCP connect
// failure, a failed handshake, a wrong server identity or any other ending is `unreachable`.
// Pure: the I/O layer (prober.hpp) only gathers the facts.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/probe/verdict.hpp"

namespace gatehouse::tools {

// How the stream ended inside the settle window.
enum class StreamEnd {
  still_open,    // nothing happened until the window ended
  close_notify,  // TLS: the peer's clean close_notify
  eof,           // TCP FIN (plain socket; with TLS: a close without close_notify)
  error,         // reset, TLS alert, ...
};

struct ConnectionFacts {
  // Set when the connection never got to the settle window: "connect 127.0.0.1:21000: Connection
  // refused", "handshake: ...", "identity: ...", "no healthy instance of db".
  std::optional<std::string> failure;
  bool tls = true;  // false in -via-upstream mode (a plain socket to the local upstream listener)
  std::uint64_t app_bytes = 0;
  StreamEnd end = StreamEnd::still_open;
  std::string end_detail;  // the error text for StreamEnd::error
  std::chrono::milliseconds settle{1000};
};

struct Observation {
  Verdict verdict = Verdict::unreachable;
  std::string reason;

  friend bool operator==(const Observation&, const Observation&) = default;
};

Observation classify(const ConnectionFacts& facts);

}  // namespace gatehouse::tools
