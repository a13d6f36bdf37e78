// SPIFFE ID parsing and printing against Consul's forms (agent/connect/uri*.go).
#include "tls/spiffe_id.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>

namespace gatehouse::tls {
namespace {

constexpr const char* kTd = "11111111-2222-3333-4444-555555555555.consul";

struct ParseCase {
  const char* name;
  std::string uri;
  SpiffeId::Identity expected;
};

// GoogleTest looks this name up to print parameters.
// NOLINTNEXTLINE(readability-identifier-naming)
void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.uri; }

class SpiffeIdParse : public ::testing::TestWithParam<ParseCase> {};

TEST_P(SpiffeIdParse, ParsesAndRoundTripsExactly) {
  const auto& c = GetParam();
  const auto id = SpiffeId::parse(c.uri);
  ASSERT_TRUE(id.has_value()) << id.error();
  EXPECT_EQ(id->identity(), c.expected);
  EXPECT_EQ(id->to_string(), c.uri);
  const auto again = SpiffeId::parse(id->to_string());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *id);
}

INSTANTIATE_TEST_SUITE_P(
    ConsulForms, SpiffeIdParse,
    ::testing::Values(
        ParseCase{"service", std::string{"spiffe://"} + kTd + "/ns/default/dc/dc1/svc/web",
                  ServiceIdentity{kTd, "default", "default", "dc1", "web"}},
        ParseCase{"service_other_namespace", "spiffe://1234.consul/ns/billing/dc/dc01/svc/api",
                  ServiceIdentity{"1234.consul", "default", "billing", "dc01", "api"}},
        ParseCase{"service_with_partition",
                  "spiffe://1234.consul/ap/bizdev/ns/default/dc/dc01/svc/web",
                  ServiceIdentity{"1234.consul", "bizdev", "default", "dc01", "web"}},
        ParseCase{"service_percent_encoded",
                  "spiffe://1234.consul/ns/foo%2Fbar/dc/bar%2Fbaz/svc/baz%2Fqux",
                  ServiceIdentity{"1234.consul", "default", "foo/bar", "bar/baz", "baz/qux"}},
        ParseCase{"service_percent_encoded_partition",
                  "spiffe://1234.consul/ap/biz%2Fdev/ns/foo%2Fbar/dc/bar%2Fbaz/svc/baz%2Fqux",
                  ServiceIdentity{"1234.consul", "biz/dev", "foo/bar", "bar/baz", "baz/qux"}},
        ParseCase{"service_space_and_percent",
                  "spiffe://1234.consul/ns/default/dc/dc1/svc/a%20b%25c",
                  ServiceIdentity{"1234.consul", "default", "default", "dc1", "a b%c"}},
        ParseCase{"agent", "spiffe://1234.consul/agent/client/dc/dc1/id/uuid",
                  AgentIdentity{"1234.consul", "default", "dc1", "uuid"}},
        ParseCase{"agent_with_partition",
                  "spiffe://1234.consul/ap/bizdev/agent/client/dc/dc1/id/uuid",
                  AgentIdentity{"1234.consul", "bizdev", "dc1", "uuid"}},
        ParseCase{"server", "spiffe://1234.consul/agent/server/dc/dc1",
                  ServerIdentity{"1234.consul", "dc1"}},
        ParseCase{"mesh_gateway", "spiffe://1234.consul/gateway/mesh/dc/dc1",
                  MeshGatewayIdentity{"1234.consul", "default", "dc1"}},
        ParseCase{"mesh_gateway_with_partition",
                  "spiffe://1234.consul/ap/bizdev/gateway/mesh/dc/dc1",
                  MeshGatewayIdentity{"1234.consul", "bizdev", "dc1"}},
        ParseCase{"signing", "spiffe://1234.consul", SigningIdentity{"1234.consul"}},
        ParseCase{"signing_uuid", std::string{"spiffe://"} + kTd, SigningIdentity{kTd}}),
    [](const auto& p) { return std::string{p.param.name}; });

struct RejectCase {
  const char* name;
  std::string uri;
  std::string reason;
};

// GoogleTest looks this name up to print parameters.
// NOLINTNEXTLINE(readability-identifier-naming)
void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.uri; }

class SpiffeIdReject : public ::testing::TestWithParam<RejectCase> {};

TEST_P(SpiffeIdReject, FailsWithReason) {
  const auto& c = GetParam();
  const auto id = SpiffeId::parse(c.uri);
  ASSERT_FALSE(id.has_value()) << id->to_string();
  EXPECT_EQ(id.error(), c.reason);
}

std::string bad_format(const std::string& uri) {
  return "SPIFFE ID is not in the expected format: " + uri;
}

RejectCase format_case(const char* name, const std::string& uri) {
  return RejectCase{name, uri, bad_format(uri)};
}

INSTANTIATE_TEST_SUITE_P(
    NotConsul, SpiffeIdReject,
    ::testing::Values(
        RejectCase{"http_scheme", "http://google.com/", "SPIFFE ID must have 'spiffe' scheme"},
        RejectCase{"garbage", "garbage", "SPIFFE ID must have 'spiffe' scheme"},
        RejectCase{"empty", "", "SPIFFE ID must have 'spiffe' scheme"},
        format_case("opaque", "spiffe:1234.consul/ns/default/dc/dc1/svc/web"),
        format_case("no_host", "spiffe:///ns/default/dc/dc1/svc/web"),
        format_case("trailing_slash", "spiffe://1234.consul/"),
        format_case("host_without_dot", "spiffe://consul"),
        format_case("host_leading_dot", "spiffe://.consul"),
        format_case("unknown_path", "spiffe://1234.consul/foo/bar"),
        format_case("service_extra_segment", "spiffe://1234.consul/ns/default/dc/dc1/svc/web/x"),
        format_case("service_empty_name", "spiffe://1234.consul/ns/default/dc/dc1/svc/"),
        format_case("service_missing_ns", "spiffe://1234.consul/dc/dc1/svc/web"),
        format_case("server_with_partition", "spiffe://1234.consul/ap/p/agent/server/dc/dc1"),
        format_case("empty_partition", "spiffe://1234.consul/ap//ns/default/dc/dc1/svc/web"),
        format_case("query", "spiffe://1234.consul/ns/default/dc/dc1/svc/web?x=1"),
        format_case("fragment", "spiffe://1234.consul/ns/default/dc/dc1/svc/web#x"),
        format_case("port", "spiffe://1234.consul:80/ns/default/dc/dc1/svc/web"),
        format_case("userinfo", "spiffe://u@1234.consul/ns/default/dc/dc1/svc/web"),
        format_case("bad_escape", "spiffe://1234.consul/ns/default/dc/dc1/svc/w%zzb"),
        format_case("truncated_escape", "spiffe://1234.consul/ns/default/dc/dc1/svc/w%2"),
        format_case("raw_space", "spiffe://1234.consul/ns/default/dc/dc1/svc/a b"),
        format_case("encoded_literal", "spiffe://1234.consul/%6Es/default/dc/dc1/svc/web")),
    [](const auto& p) { return std::string{p.param.name}; });

TEST(SpiffeId, ReasonEscapesControlAndNonAsciiBytes) {
  const auto id = SpiffeId::parse("spiffe://1234.consul/svc/web\nevent=forged \xff\\");
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error(),
            "SPIFFE ID is not in the expected format: "
            "spiffe://1234.consul/svc/web\\x0aevent=forged \\xff\\x5c");
}

TEST(SpiffeId, SchemeIsCaseInsensitiveAndPrintedLowercase) {
  const auto id = SpiffeId::parse("SPIFFE://1234.consul/ns/default/dc/dc1/svc/web");
  ASSERT_TRUE(id.has_value()) << id.error();
  EXPECT_EQ(id->to_string(), "spiffe://1234.consul/ns/default/dc/dc1/svc/web");
}

TEST(SpiffeId, DefaultPartitionIsOmittedWhenPrinted) {
  const auto id = SpiffeId::parse("spiffe://1234.consul/ap/default/ns/default/dc/dc1/svc/web");
  ASSERT_TRUE(id.has_value()) << id.error();
  EXPECT_EQ(id->to_string(), "spiffe://1234.consul/ns/default/dc/dc1/svc/web");
  EXPECT_EQ(id->service()->partition, "default");
}

TEST(SpiffeId, EmptyPartitionPrintsAsDefault) {
  const SpiffeId id{ServiceIdentity{"1234.consul", "", "default", "dc1", "web"}};
  EXPECT_EQ(id.to_string(), "spiffe://1234.consul/ns/default/dc/dc1/svc/web");
}

// Any byte string that parses must print back to something that parses to the same identity
// (the property the SPIFFE fuzz target checks), and every byte value must survive a round trip
// through a segment.
TEST(SpiffeId, RoundTripHoldsForEveryByteInEverySegment) {
  for (int b = 0; b < 256; ++b) {
    const std::string value = std::string{"x"} + static_cast<char>(b) + "y";
    const SpiffeId original{ServiceIdentity{"1234.consul", value, value, value, value}};
    const auto again = SpiffeId::parse(original.to_string());
    ASSERT_TRUE(again.has_value()) << b << ": " << again.error();
    EXPECT_EQ(*again, original) << b;
  }
}

TEST(SpiffeId, MutatedInputsNeverBreakTheRoundTrip) {
  const std::string seed = "spiffe://1234.consul/ap/p%2F1/ns/default/dc/dc1/svc/web";
  const std::string alphabet = "/%2Fap:@.!~ aZ9?#";
  std::uint32_t state = 12345;  // fixed seed: the same inputs on every run
  const auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  int parsed = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string input = seed;
    const auto pos = next() % input.size();
    switch (next() % 3) {
      case 0:
        input.erase(pos, 1);
        break;
      case 1:
        input.insert(pos, 1, alphabet[next() % alphabet.size()]);
        break;
      default:
        input[pos] = alphabet[next() % alphabet.size()];
        break;
    }
    const auto id = SpiffeId::parse(input);
    if (!id) continue;
    ++parsed;
    const auto again = SpiffeId::parse(id->to_string());
    ASSERT_TRUE(again.has_value()) << input << " -> " << id->to_string();
    EXPECT_EQ(*again, *id) << input;
  }
  EXPECT_GT(parsed, 100);  // the mutations must exercise the success path, not only errors
}

TEST(SpiffeId, RawSubDelimitersParseAndPrintAsConsulDoes) {
  // Go's url package escapes '!' in a path but leaves '@', ':' and '+' alone.
  const auto id = SpiffeId::parse("spiffe://1234.consul/ns/default/dc/dc1/svc/a!b@c:d+e");
  ASSERT_TRUE(id.has_value()) << id.error();
  EXPECT_EQ(id->service()->service, "a!b@c:d+e");
  EXPECT_EQ(id->to_string(), "spiffe://1234.consul/ns/default/dc/dc1/svc/a%21b@c:d+e");
}

TEST(SpiffeId, ForServiceBuildsConsulServiceUri) {
  const auto id = SpiffeId::for_service(kTd, "dc1", "web");
  EXPECT_EQ(id.to_string(), std::string{"spiffe://"} + kTd + "/ns/default/dc/dc1/svc/web");
  ASSERT_NE(id.service(), nullptr);
  EXPECT_EQ(id.service()->service, "web");
  EXPECT_EQ(id.trust_domain(), kTd);
  EXPECT_EQ(SpiffeId::for_service(kTd, "dc2", "db", "billing").to_string(),
            std::string{"spiffe://"} + kTd + "/ns/billing/dc/dc2/svc/db");
}

TEST(SpiffeId, ServiceIsNullForOtherIdentities) {
  const auto agent = SpiffeId::parse("spiffe://1234.consul/agent/client/dc/dc1/id/node-1");
  ASSERT_TRUE(agent.has_value());
  EXPECT_EQ(agent->service(), nullptr);
  EXPECT_EQ(agent->trust_domain(), "1234.consul");
}

TEST(SpiffeId, EqualityComparesEveryField) {
  EXPECT_EQ(SpiffeId::for_service("a.consul", "dc1", "web"),
            SpiffeId::for_service("a.consul", "dc1", "web"));
  EXPECT_NE(SpiffeId::for_service("a.consul", "dc1", "web"),
            SpiffeId::for_service("a.consul", "dc1", "api"));
  EXPECT_NE(SpiffeId::for_service("a.consul", "dc1", "web"),
            SpiffeId::for_service("b.consul", "dc1", "web"));
}

}  // namespace
}  // namespace gatehouse::tls
