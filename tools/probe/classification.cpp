#include "tools/probe/classification.hpp"

namespace gatehouse::tools {

namespace {

std::string window(std::chrono::milliseconds settle) {
  return std::to_string(settle.count()) + "ms";
}

}  // namespace

Observation classify(const ConnectionFacts& facts) {
  if (facts.failure) return {Verdict::unreachable, *facts.failure};
  if (facts.app_bytes > 0) {
    return {Verdict::allow, "received " + std::to_string(facts.app_bytes) +
                                " application bytes from the destination"};
  }
  switch (facts.end) {
    case StreamEnd::still_open:
      return {Verdict::allow, "connection still open after the " + window(facts.settle) +
                                  " settle window (the app is silent)"};
    case StreamEnd::close_notify:
      if (facts.tls) {
        return {Verdict::deny,
                "the sidecar closed the connection (close_notify) after the handshake with zero "
                "application bytes"};
      }
      break;
    case StreamEnd::eof:
      if (!facts.tls) {
        return {Verdict::deny,
                "the upstream listener closed the connection with zero bytes (the destination "
                "refused the source, or could not be reached from the source's sidecar)"};
      }
      return {Verdict::unreachable,
              "the connection was closed without close_notify after the handshake"};
    case StreamEnd::error:
      return {Verdict::unreachable, "connection error after the handshake: " + facts.end_detail};
  }
  return {Verdict::unreachable, "unexpected connection ending"};
}

}  // namespace gatehouse::tools
