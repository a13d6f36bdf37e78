#pragma once
// How the probe reads one connection (docs/probe.md): after the TLS handshake it waits a settle
// window. Any application byte, or a connection still open when the window ends, means the
// destination's sidecar let us through (a silent app keeps the connection open); a clean
// close_notify with zero application bytes inside the window means the sidecar refused us (it
// never dials the app for a denied caller and never holds such a connection open). A TCP connect
// failure, a failed handshake, a wrong server identity or any other ending is `unreachable`.
//
// With a request (-send, -http-get) the app's reply is the proof: a reply (that matches
// -expect-reply/-expect-status) is `allow` at once; one that does not match is
// `unexpected-reply`; a connection still open at the window's end without a reply is `no-reply`
// (the sidecar let us through, the app did not answer); a close before any reply is still `deny`.
// Pure: the I/O layer (prober.hpp) only gathers the facts.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/probe/probe_request.hpp"
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
  std::uint64_t app_bytes = 0;            // with -http-get: nonzero once any response byte came
  StreamEnd end = StreamEnd::still_open;  // the end of the stream when it came before an answer
  std::string end_detail;                 // the error text for StreamEnd::error
  std::chrono::milliseconds settle{1000};
  // The first bytes received (at most kReplyLimit; with -http-get the response body's).
  std::string reply;
  std::optional<unsigned> http_status;  // -http-get: once a response head was read
  std::string http_error;               // -http-get: why the bytes are not an HTTP response
  // From the start of the TCP connect to the answer (or to the end of the window).
  std::chrono::milliseconds elapsed{0};
};

struct Observation {
  Verdict verdict = Verdict::unreachable;
  std::string reason;
  // Set by classify() from the facts (the `{}`s keep `{verdict, reason}` a complete initializer).
  std::string reply{};                   // reply_head() of what the destination sent; "" = nothing
  std::optional<unsigned> status{};      // -http-get: the response's status
  std::chrono::milliseconds latency{0};  // ConnectionFacts::elapsed

  friend bool operator==(const Observation&, const Observation&) = default;
};

// `request` is null without -send/-http-get.
Observation classify(const ConnectionFacts& facts, const ProbeRequest* request = nullptr);

}  // namespace gatehouse::tools
