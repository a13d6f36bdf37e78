#include "proxy/decision_log.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proxy/log_fields.hpp"

namespace gatehouse::proxy {
namespace {

ConnRecord denied_record() {
  ConnRecord r;
  r.conn_id = 7;
  r.outcome = Outcome::denied;
  r.src = "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web";
  r.src_service = "web";
  r.dst_service = "db";
  r.peer = "127.0.0.1:50312";
  r.serial = "3c:9a:11";
  r.reason = "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)";
  r.authz_ms = 2;
  r.dur_ms = 5;
  return r;
}

TEST(DecisionLog, TextLineHasTheDocumentedFieldsInOrder) {
  EXPECT_EQ(conn_fields(denied_record()).text(),
            "event=conn outcome=denied "
            "src=spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web "
            "src_service=web dst_service=db peer=127.0.0.1:50312 serial=3c:9a:11 "
            "reason=\"Matched L4 intention: default/web => default/db (Precedence: 9, Action: "
            "DENY)\" authz_ms=2 bytes_in=0 bytes_out=0 dur_ms=5 tls_resumed=false conn=7");
}

TEST(DecisionLog, FailedHandshakeHasEmptyIdentityFieldsQuoted) {
  ConnRecord r;
  r.conn_id = 1;
  r.outcome = Outcome::failed;
  r.dst_service = "db";
  r.peer = "127.0.0.1:4000";
  r.reason = "handshake_timeout: no complete TLS handshake within 10000 ms";
  EXPECT_EQ(conn_fields(r).text(),
            "event=conn outcome=failed src=\"\" src_service=\"\" dst_service=db "
            "peer=127.0.0.1:4000 serial=\"\" "
            "reason=\"handshake_timeout: no complete TLS handshake within 10000 ms\" "
            "authz_ms=-1 bytes_in=0 bytes_out=0 dur_ms=0 tls_resumed=false conn=1");
}

TEST(DecisionLog, AcceptedLineNamesHowTheRelayEnded) {
  ConnRecord r = denied_record();
  r.outcome = Outcome::accepted;
  r.bytes_in = 12;
  r.bytes_out = 16;
  r.end = "client_closed";
  const std::string text = conn_fields(r).text();
  EXPECT_NE(
      text.find(
          " bytes_in=12 bytes_out=16 dur_ms=5 tls_resumed=false conn=7 end=\"client_closed\""),
      std::string::npos)
      << text;
  EXPECT_EQ(text.rfind("event=conn outcome=accepted ", 0), 0U) << text;
}

TEST(DecisionLog, JsonCarriesTheSameFieldsWithNumbersAsNumbers) {
  const auto j = nlohmann::json::parse("{" + conn_fields(denied_record()).json_members() + "}");
  EXPECT_EQ(j.at("event"), "conn");
  EXPECT_EQ(j.at("outcome"), "denied");
  EXPECT_EQ(j.at("src_service"), "web");
  EXPECT_EQ(j.at("dst_service"), "db");
  EXPECT_EQ(j.at("peer"), "127.0.0.1:50312");
  EXPECT_EQ(j.at("serial"), "3c:9a:11");
  EXPECT_EQ(j.at("reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(j.at("authz_ms"), 2);
  EXPECT_EQ(j.at("bytes_in"), 0);
  EXPECT_EQ(j.at("dur_ms"), 5);
  EXPECT_EQ(j.at("conn"), 7);
  EXPECT_EQ(j.at("tls_resumed"), "false");
  EXPECT_EQ(j.size(), 14U);
}

TEST(LogFields, QuotesAndEscapesValuesThatWouldBreakTheLine) {
  LogFields f;
  f.add("plain", "abc").add("space", "a b").add("quote", "say \"hi\"").add("eq", "a=b");
  f.add("ctl", std::string_view{"a\nb\x01", 4}).add("slash", "a\\b").add_quoted("q", "x");
  EXPECT_EQ(f.text(),
            "plain=abc space=\"a b\" quote=\"say \\\"hi\\\"\" eq=\"a=b\" ctl=\"a\\x0ab\\x01\" "
            "slash=\"a\\\\b\" q=\"x\"");
}

TEST(LogFields, JsonEscapesAndReplacesInvalidUtf8) {
  LogFields f;
  f.add("a", "line\n\"q\"").add("bad", std::string_view{"\xff", 1});
  const auto j = nlohmann::json::parse("{" + f.json_members() + "}");
  EXPECT_EQ(j.at("a"), "line\n\"q\"");
  EXPECT_EQ(j.at("bad"), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace gatehouse::proxy
