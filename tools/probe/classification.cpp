#include "tools/probe/classification.hpp"

namespace gatehouse::tools {

namespace {

std::string window(std::chrono::milliseconds settle) {
  return std::to_string(settle.count()) + "ms";
}

// The ending of a connection that brought no answer (and no application byte).
Observation ended_without_bytes(const ConnectionFacts& facts, const ProbeRequest* request) {
  switch (facts.end) {
    case StreamEnd::still_open:
      if (request != nullptr) {
        return {Verdict::no_reply,
                "allowed, no reply: the sidecar let the connection through (still open after the "
                "handshake) but the app did not answer within the " +
                    window(facts.settle) + " settle window"};
      }
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

// A reply came back through the mesh: the sidecar let us through; does the answer count?
Observation judge_reply(const ConnectionFacts& facts, const ProbeRequest& request) {
  const bool http = request.kind == ProbeRequest::Kind::http_get;
  if (http && !facts.http_status) {
    return {Verdict::unexpected_reply,
            "the app's answer is not an HTTP response" +
                (facts.http_error.empty() ? std::string{} : ": " + facts.http_error)};
  }
  const std::string answered =
      http ? "the app answered HTTP " + std::to_string(*facts.http_status) : "the app replied";
  if (http && request.expect_status && *request.expect_status != *facts.http_status) {
    return {Verdict::unexpected_reply,
            answered + "; -expect-status is " + std::to_string(*request.expect_status)};
  }
  if (request.expect_reply) {
    if (!std::regex_search(facts.reply, *request.expect_reply)) {
      return {Verdict::unexpected_reply, answered + (http ? " with a body that" : ", but that") +
                                             " does not match -expect-reply \"" +
                                             request.expect_reply_text + "\""};
    }
    return {Verdict::allow, answered + " through the mesh, matching -expect-reply \"" +
                                request.expect_reply_text + "\""};
  }
  return {Verdict::allow, answered + " through the mesh"};
}

Observation judge(const ConnectionFacts& facts, const ProbeRequest* request) {
  if (facts.failure) return {Verdict::unreachable, *facts.failure};
  if (request != nullptr && (facts.app_bytes > 0 || facts.http_status)) {
    return judge_reply(facts, *request);
  }
  if (facts.app_bytes > 0) {
    return {Verdict::allow, "received " + std::to_string(facts.app_bytes) +
                                " application bytes from the destination"};
  }
  return ended_without_bytes(facts, request);
}

}  // namespace

Observation classify(const ConnectionFacts& facts, const ProbeRequest* request) {
  Observation o = judge(facts, request);
  if (!facts.failure) {
    o.reply = reply_head(facts.reply);
    o.status = facts.http_status;
  }
  o.latency = facts.elapsed;
  return o;
}

}  // namespace gatehouse::tools
