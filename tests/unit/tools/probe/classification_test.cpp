#include "tools/probe/classification.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tools {
namespace {

ConnectionFacts settled(StreamEnd end, std::uint64_t bytes = 0, bool tls = true) {
  ConnectionFacts f;
  f.tls = tls;
  f.end = end;
  f.app_bytes = bytes;
  f.settle = std::chrono::milliseconds{1000};
  return f;
}

TEST(Classification, CleanCloseWithZeroBytesIsDenied) {
  const auto o = classify(settled(StreamEnd::close_notify));
  EXPECT_EQ(o.verdict, Verdict::deny);
  EXPECT_EQ(o.reason,
            "the sidecar closed the connection (close_notify) after the handshake with zero "
            "application bytes");
}

TEST(Classification, SilentOpenConnectionIsAllowed) {
  const auto o = classify(settled(StreamEnd::still_open));
  EXPECT_EQ(o.verdict, Verdict::allow);
  EXPECT_EQ(o.reason, "connection still open after the 1000ms settle window (the app is silent)");
}

TEST(Classification, AnyApplicationByteIsAllowedEvenIfClosedAfter) {
  const auto o = classify(settled(StreamEnd::close_notify, 4));
  EXPECT_EQ(o.verdict, Verdict::allow);
  EXPECT_EQ(o.reason, "received 4 application bytes from the destination");
}

TEST(Classification, FailureBeforeTheWindowIsUnreachable) {
  auto f = settled(StreamEnd::still_open);
  f.failure = "connect 127.0.0.1:1: Connection refused";
  const auto o = classify(f);
  EXPECT_EQ(o.verdict, Verdict::unreachable);
  EXPECT_EQ(o.reason, "connect 127.0.0.1:1: Connection refused");
}

TEST(Classification, TlsCloseWithoutCloseNotifyIsUnreachable) {
  const auto o = classify(settled(StreamEnd::eof));
  EXPECT_EQ(o.verdict, Verdict::unreachable);
  EXPECT_EQ(o.reason, "the connection was closed without close_notify after the handshake");
}

TEST(Classification, ErrorAfterHandshakeIsUnreachableWithDetail) {
  auto f = settled(StreamEnd::error);
  f.end_detail = "tlsv13 alert certificate required";
  const auto o = classify(f);
  EXPECT_EQ(o.verdict, Verdict::unreachable);
  EXPECT_EQ(o.reason, "connection error after the handshake: tlsv13 alert certificate required");
}

TEST(Classification, PlainEofWithZeroBytesIsDeniedViaUpstream) {
  const auto o = classify(settled(StreamEnd::eof, 0, false));
  EXPECT_EQ(o.verdict, Verdict::deny);
  EXPECT_NE(o.reason.find("upstream listener closed the connection with zero bytes"),
            std::string::npos);
}

TEST(Classification, PlainOpenConnectionIsAllowedViaUpstream) {
  EXPECT_EQ(classify(settled(StreamEnd::still_open, 0, false)).verdict, Verdict::allow);
  EXPECT_EQ(classify(settled(StreamEnd::eof, 5, false)).verdict, Verdict::allow);
}

ProbeRequest http_get(std::optional<unsigned> status = std::nullopt, std::string regex = {}) {
  ProbeRequest r;
  r.kind = ProbeRequest::Kind::http_get;
  r.payload = "/";
  r.expect_status = status;
  if (!regex.empty()) {
    r.expect_reply = std::regex{regex};
    r.expect_reply_text = regex;
  }
  return r;
}

ProbeRequest send(std::string regex = {}) {
  ProbeRequest r;
  r.payload = "ping\n";
  if (!regex.empty()) {
    r.expect_reply = std::regex{regex};
    r.expect_reply_text = regex;
  }
  return r;
}

ConnectionFacts answered(std::string reply, std::optional<unsigned> status = std::nullopt) {
  auto f = settled(StreamEnd::still_open, reply.size() + (status ? 40 : 0));
  f.reply = std::move(reply);
  f.http_status = status;
  f.elapsed = std::chrono::milliseconds{7};
  return f;
}

TEST(ClassificationWithRequest, HttpAnswerProvesAllowedWithReplyStatusAndLatency) {
  const auto request = http_get();
  const auto o = classify(answered("hello from db\n", 200), &request);
  EXPECT_EQ(o.verdict, Verdict::allow);
  EXPECT_EQ(o.reason, "the app answered HTTP 200 through the mesh");
  EXPECT_EQ(o.reply, "hello from db\n");
  EXPECT_EQ(o.status, 200U);
  EXPECT_EQ(o.latency, std::chrono::milliseconds{7});
}

TEST(ClassificationWithRequest, AnyStatusCountsUnlessExpectStatusSaysOtherwise) {
  const auto any = http_get();
  EXPECT_EQ(classify(answered("", 404), &any).verdict, Verdict::allow);
  const auto ok = http_get(200);
  const auto o = classify(answered("not here", 404), &ok);
  EXPECT_EQ(o.verdict, Verdict::unexpected_reply);
  EXPECT_EQ(o.reason, "the app answered HTTP 404; -expect-status is 200");
  EXPECT_EQ(o.status, 404U);
  EXPECT_EQ(classify(answered("", 200), &ok).verdict, Verdict::allow);
}

TEST(ClassificationWithRequest, ExpectReplyIsSearchedInTheReply) {
  const auto request = send("^pong");
  const auto matched = classify(answered("pong\n"), &request);
  EXPECT_EQ(matched.verdict, Verdict::allow);
  EXPECT_EQ(matched.reason, "the app replied through the mesh, matching -expect-reply \"^pong\"");
  const auto wrong = classify(answered("ping\n"), &request);
  EXPECT_EQ(wrong.verdict, Verdict::unexpected_reply);
  EXPECT_EQ(wrong.reason, "the app replied, but that does not match -expect-reply \"^pong\"");
  EXPECT_EQ(wrong.reply, "ping\n");

  const auto body = http_get(200, "from db");
  EXPECT_EQ(classify(answered("hello from db\n", 200), &body).verdict, Verdict::allow);
  const auto o = classify(answered("hello from api\n", 200), &body);
  EXPECT_EQ(o.verdict, Verdict::unexpected_reply);
  EXPECT_EQ(o.reason,
            "the app answered HTTP 200 with a body that does not match -expect-reply \"from db\"");
}

TEST(ClassificationWithRequest, BytesThatAreNotHttpAreUnexpected) {
  const auto request = http_get();
  auto f = answered("SSH-2.0-OpenSSH\r\n");
  f.http_error = "bad version";
  const auto o = classify(f, &request);
  EXPECT_EQ(o.verdict, Verdict::unexpected_reply);
  EXPECT_EQ(o.reason, "the app's answer is not an HTTP response: bad version");
}

TEST(ClassificationWithRequest, OpenWithoutReplyIsNoReply) {
  const auto request = send();
  const auto o = classify(settled(StreamEnd::still_open), &request);
  EXPECT_EQ(o.verdict, Verdict::no_reply);
  EXPECT_EQ(o.reason,
            "allowed, no reply: the sidecar let the connection through (still open after the "
            "handshake) but the app "
            "did not answer within the 1000ms settle window");
  EXPECT_EQ(o.reply, "");
  EXPECT_EQ(o.status, std::nullopt);
}

TEST(ClassificationWithRequest, DenialsAndFailuresAreClassifiedAsWithout) {
  const auto request = http_get(200, "x");
  for (const auto& facts : {settled(StreamEnd::close_notify), settled(StreamEnd::eof),
                            settled(StreamEnd::eof, 0, false), settled(StreamEnd::error)}) {
    EXPECT_EQ(classify(facts, &request).verdict, classify(facts).verdict);
    EXPECT_EQ(classify(facts, &request).reason, classify(facts).reason);
  }
  EXPECT_EQ(classify(settled(StreamEnd::close_notify), &request).verdict, Verdict::deny);
  auto refused = settled(StreamEnd::still_open);
  refused.failure = "connect 127.0.0.1:1: Connection refused";
  EXPECT_EQ(classify(refused, &request).verdict, Verdict::unreachable);
}

TEST(ClassificationWithRequest, ReplyIsCutAndMadeUtf8) {
  const auto request = send();
  const auto o = classify(answered(std::string(100, 'a') + "\xff"), &request);
  EXPECT_EQ(o.reply, std::string(kReplyShown, 'a'));
  EXPECT_EQ(classify(answered("\xff!"), &request).reply, "\xef\xbf\xbd!");
}

}  // namespace
}  // namespace gatehouse::tools
