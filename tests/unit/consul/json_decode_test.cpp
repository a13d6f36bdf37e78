#include "consul/json_decode.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "consul/agent_service_registration.hpp"
#include "consul/authorize.hpp"
#include "consul/ca_root.hpp"
#include "consul/intention.hpp"
#include "consul/raw_json.hpp"

namespace gatehouse::consul {
namespace {

TEST(JsonDecodeTest, DecodesAuthorizeRequest) {
  const auto r = decode_json<AuthorizeRequest>(
      R"({"Target":"db","ClientCertURI":"spiffe://x.consul/ns/default/dc/dc1/svc/web","ClientCertSerial":"3c"})",
      kStrictBody);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->target, "db");
  EXPECT_EQ(r->client_cert_uri, "spiffe://x.consul/ns/default/dc/dc1/svc/web");
  EXPECT_EQ(r->client_cert_serial, "3c");
}

TEST(JsonDecodeTest, UnknownFieldIsRejectedInStrictMode) {
  const auto r =
      decode_json<AuthorizeRequest>(R"({"Target":"db","Namespace":"default"})", kStrictBody);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "json: unknown field \"Namespace\"");
}

TEST(JsonDecodeTest, UnknownFieldIsIgnoredInLenientMode) {
  const auto r =
      decode_json<AuthorizeRequest>(R"({"Target":"db","Namespace":"default"})", kLenientResponse);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->target, "db");
}

TEST(JsonDecodeTest, EmptyBodyIsEof) {
  for (const char* body : {"", "  \n"}) {
    const auto r = decode_json<AuthorizeRequest>(body, kStrictBody);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "EOF");
  }
}

TEST(JsonDecodeTest, TruncatedBodyIsUnexpectedEof) {
  const auto r = decode_json<AuthorizeRequest>(R"({"Target":"db")", kStrictBody);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "unexpected EOF");
}

TEST(JsonDecodeTest, InvalidCharacter) {
  const auto r = decode_json<AuthorizeRequest>("xyz", kStrictBody);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "invalid character 'x' looking for beginning of value");
}

// Go's quoteChar: a control byte is escaped (the text stays one line), a byte from 0x80 is
// shown as the rune U+0080..U+00FF.
TEST(JsonDecodeTest, InvalidCharacterIsQuotedLikeGo) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"\x01", R"('\x01')"},   {"\n\x7f", R"('\x7f')"}, {"\xff", "'\xc3\xbf'"},
      {"\x85", R"('\u0085')"}, {"'", R"('\'')"},        {"\\", R"('\\')"},
  };
  for (const auto& [body, quoted] : cases) {
    const auto r = decode_json<AuthorizeRequest>(body, kStrictBody);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "invalid character " + quoted + " looking for beginning of value");
  }
  const auto in_string = decode_json<AuthorizeRequest>("{\"Target\":\"a\nb\"}", kStrictBody);
  ASSERT_FALSE(in_string);
  EXPECT_EQ(in_string.error().find('\n'), std::string::npos) << in_string.error();
}

TEST(JsonDecodeTest, WrongTypeNamesGoStructField) {
  const auto r = decode_json<AuthorizeRequest>(R"({"Target":5})", kStrictBody);
  ASSERT_FALSE(r);
  EXPECT_EQ(
      r.error(),
      "json: cannot unmarshal number into Go struct field ConnectAuthorizeRequest.Target of type "
      "string");
}

TEST(JsonDecodeTest, WrongTopLevelType) {
  const auto r = decode_json<AuthorizeRequest>(R"(["db"])", kStrictBody);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "json: cannot unmarshal array into Go value of type structs.ConnectAuthorizeRequest");
}

TEST(JsonDecodeTest, KeysMatchCaseInsensitivelyLikeGo) {
  const auto r = decode_json<AuthorizeRequest>(R"({"target":"db"})", kStrictBody);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->target, "db");
}

TEST(JsonDecodeTest, SnakeCaseOnlyWhenAllowed) {
  const auto strict = decode_json<AuthorizeRequest>(R"({"client_cert_uri":"u"})", kStrictBody);
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error(), "json: unknown field \"client_cert_uri\"");
  const auto any = decode_json<AuthorizeRequest>(R"({"client_cert_uri":"u"})", kStrictBodyAnyCase);
  ASSERT_TRUE(any) << any.error();
  EXPECT_EQ(any->client_cert_uri, "u");
}

TEST(JsonDecodeTest, NullLeavesDefaults) {
  const auto r = decode_json<AuthorizeRequest>(R"({"Target":null})", kStrictBody);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->target, "");
}

TEST(JsonDecodeTest, TrailingDataAfterFirstValueIsIgnoredLikeGoDecoder) {
  const auto r = decode_json<AuthorizeRequest>(R"({"Target":"db"} trailing)", kStrictBody);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->target, "db");
}

TEST(JsonDecodeTest, AuthorizeResponseRoundTrip) {
  const AuthorizeResponse resp{true, "Default behavior configured by ACLs"};
  const auto back = decode_json<AuthorizeResponse>(nlohmann::json(resp).dump(), kStrictBody);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, resp);
  EXPECT_EQ(nlohmann::json(resp).dump(),
            R"({"Authorized":true,"Reason":"Default behavior configured by ACLs"})");
}

}  // namespace
}  // namespace gatehouse::consul

namespace gatehouse::consul {
namespace {

TEST(JsonDecodeTest, NlohmannFromJsonThrowsDecodeErrorWithGoText) {
  const auto j = nlohmann::json::parse(R"({"SourceName":["web"]})");
  try {
    static_cast<void>(j.get<Intention>());
    FAIL() << "expected DecodeError";
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(),
                 "json: cannot unmarshal array into Go struct field Intention.SourceName of type "
                 "string");
  }
}

TEST(JsonDecodeTest, NumbersOutOfRangeCarryTheLiteral) {
  const auto r = decode_json<Intention>(R"({"CreateIndex":-1})", kStrictBody);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "json: cannot unmarshal number -1 into Go struct field Intention.CreateIndex of type "
            "uint64");
}

// nlohmann refuses numbers beyond double while parsing (out_of_range, not parse_error); that must
// come back as a decode error, not escape as an exception.
TEST(JsonDecodeTest, NumberBeyondDoubleIsADecodeError) {
  const auto r = decode_json<CaRoot>(R"({"CreateIndex":1e400})", kLenientResponse);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "json: number 1e400 is out of range");

  const std::string digits(400, '9');
  const auto long_literal =
      decode_json<Intention>(R"({"CreateIndex":)" + digits + "}", kStrictBody);
  ASSERT_FALSE(long_literal);
  EXPECT_EQ(long_literal.error(), "json: number " + digits.substr(0, 40) + "... is out of range");
}

TEST(JsonDecodeTest, IntegerBeyondUint64IsATypeError) {
  const auto r = decode_json<CaRoot>(R"({"CreateIndex":18446744073709551616})", kLenientResponse);
  ASSERT_FALSE(r);
  EXPECT_TRUE(
      r.error().starts_with("json: cannot unmarshal number 1.8446744073709552e+19 into "
                            "Go struct field CARoot.CreateIndex of type uint64"))
      << r.error();
}

// A duration given as a number of nanoseconds beyond int64 converts like Go on amd64 (to the
// minimum int64) instead of overflowing in C++.
TEST(JsonDecodeTest, DurationNumberBeyondInt64) {
  const auto r = decode_json<AgentServiceRegistration>(
      R"({"Name":"web","Check":{"TTL":1e300,"Interval":-1e19}})", kLenientResponse);
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(r->check.has_value());
  EXPECT_EQ(r->check->ttl, "-2562047h47m16.854775808s");
  EXPECT_EQ(r->check->interval, "-2562047h47m16.854775808s");
}

TEST(JsonDecodeTest, NestedErrorsNameInnermostStructAndFullPath) {
  const auto r =
      decode_json<Intention>(R"({"Permissions":[{"HTTP":{"Methods":"GET"}}]})", kStrictBody);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "json: cannot unmarshal string into Go struct field "
            "IntentionHTTPPermission.Permissions.HTTP.Methods of type []string");
}

TEST(RawJsonTest, KeepsAnObjectVerbatim) {
  const RawJson raw{nlohmann::json::parse(R"({"b":[1,2],"a":{"x":null}})")};
  EXPECT_FALSE(raw.empty());
  EXPECT_EQ(raw.value(), nlohmann::json::parse(R"({"a":{"x":null},"b":[1,2]})"));
  EXPECT_TRUE(RawJson{}.empty());
  EXPECT_TRUE(RawJson{}.value().is_null());
}

}  // namespace
}  // namespace gatehouse::consul
