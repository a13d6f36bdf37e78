#include "consul/json_decode.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "consul/authorize.hpp"

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
