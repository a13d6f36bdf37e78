#include "tools/dev_agent/acl_gate.hpp"

#include <gtest/gtest.h>

#include "tests/unit/tools/dev_agent/request_builder.hpp"

namespace gatehouse::tools {
namespace {

using boost::beast::http::verb;
using testing::make_request;

TEST(AclGate, DisabledAllowsEverything) {
  const AclGate gate{std::nullopt};
  EXPECT_FALSE(gate.require(make_request(verb::get, "/"), "service:write", "db"));
  EXPECT_FALSE(gate.require_bare(make_request(verb::get, "/")));
}

TEST(AclGate, AnonymousDenialNamesPermissionAndResource) {
  const AclGate gate{"secret"};
  auto e = gate.require(make_request(verb::get, "/"), "service:write", "db");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 403U);
  EXPECT_EQ(e->body,
            "Permission denied: anonymous token lacks permission 'service:write' on \"db\". The "
            "anonymous token is used implicitly when a request does not specify a token.");
  e = gate.require(make_request(verb::get, "/"), "operator:read");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body,
            "Permission denied: anonymous token lacks permission 'operator:read'. The anonymous "
            "token is used implicitly when a request does not specify a token.");
  e = gate.require_bare(make_request(verb::get, "/"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "Permission denied");
}

TEST(AclGate, UnknownTokenIsAclNotFound) {
  const AclGate gate{"secret"};
  const auto e = gate.require(make_request(verb::get, "/?token=nope"), "service:read", "db");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 403U);
  EXPECT_EQ(e->body, "ACL not found");
  EXPECT_FALSE(gate.require(make_request(verb::get, "/?token=secret"), "service:read", "db"));
}

// acl/errors.go ErrNotFound: resolving a token the ACL system does not know fails before any
// permission is looked at; no token (the anonymous token) and the management token resolve.
TEST(AclGate, ResolveRefusesOnlyUnknownTokens) {
  const AclGate gate{"secret"};
  const auto e = gate.resolve(make_request(verb::get, "/?token=nope"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 403U);
  EXPECT_EQ(e->body, "ACL not found");
  EXPECT_FALSE(gate.resolve(make_request(verb::get, "/")));
  EXPECT_FALSE(gate.resolve(make_request(verb::get, "/?token=secret")));
  EXPECT_TRUE(gate.allows_all(make_request(verb::get, "/?token=secret")));
  EXPECT_FALSE(gate.allows_all(make_request(verb::get, "/")));
  EXPECT_TRUE(AclGate{std::nullopt}.allows_all(make_request(verb::get, "/?token=any")));
}

TEST(HttpError, StatusFromErrorText) {
  EXPECT_EQ(HttpError::from_error_text("Permission denied").status, 403U);
  EXPECT_EQ(HttpError::from_error_text("ACL not found").status, 403U);
  EXPECT_EQ(HttpError::from_error_text("Rate limit reached, try again later").status, 429U);
  EXPECT_EQ(HttpError::from_error_text("anything else").status, 500U);
}

}  // namespace
}  // namespace gatehouse::tools
