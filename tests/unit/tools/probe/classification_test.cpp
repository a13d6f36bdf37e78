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

}  // namespace
}  // namespace gatehouse::tools
