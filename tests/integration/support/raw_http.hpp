#pragma once
// Sends exact bytes to an HTTP server over one TCP connection and returns everything it answers
// until it closes the connection, for tests of what a server writes on malformed requests.

#include <string>

namespace gatehouse::testing {

struct RawExchange {
  std::string response;      // every byte received
  bool closed_by_peer = false;  // false when the read gave up (timeout) with the connection open
};

// `base_url` as DevAgentProcess::base_url() gives it (http://127.0.0.1:PORT). Reads until the
// server closes or `timeout_ms` passes without data.
RawExchange raw_http_exchange(const std::string& base_url, const std::string& bytes,
                              int timeout_ms = 10000);

}  // namespace gatehouse::testing
