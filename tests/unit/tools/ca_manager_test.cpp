#include "tools/dev_agent/ca_manager.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gatehouse::tools {
namespace {

using namespace std::chrono_literals;

consul::CaConfiguration config(const nlohmann::json& provider_config) {
  consul::CaConfiguration c;
  c.provider = "consul";
  c.config = consul::RawJson{provider_config};
  return c;
}

class CaManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(ca_.initialize(now_)); }
  StateStore store_;
  CaManager ca_{store_, "dc1"};
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

TEST_F(CaManagerTest, OneActiveRootWithTrustDomain) {
  const auto roots = ca_.roots();
  ASSERT_EQ(roots.roots.size(), 1U);
  EXPECT_TRUE(roots.roots[0].active);
  EXPECT_EQ(roots.active_root_id, roots.roots[0].id);
  EXPECT_EQ(roots.trust_domain, ca_.cluster_id() + ".consul");
  EXPECT_EQ(roots.roots[0].external_trust_domain, ca_.cluster_id());
  EXPECT_GE(ca_.roots_index(), 1U);
}

TEST_F(CaManagerTest, LeafIsCachedUntilRenewalPoint) {
  const auto first = ca_.leaf("web", now_);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->cert.service, "web");
  EXPECT_EQ(first->cert.service_uri,
            "spiffe://" + ca_.trust_domain() + "/ns/default/dc/dc1/svc/web");
  const auto again = ca_.leaf("web", now_ + 1h);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->cert.serial_number, first->cert.serial_number);
  EXPECT_EQ(again->cert.modify_index, first->cert.modify_index);
  // The renewal point lies between 60 % and 90 % of the 72h lifetime (measured from ValidAfter,
  // which is one minute before issuing).
  const auto valid_after = now_ - 1min;
  EXPECT_GE(first->renew_at, valid_after + 72h * 6 / 10);
  EXPECT_LE(first->renew_at, valid_after + 72h * 9 / 10);
  const auto renewed = ca_.leaf("web", first->renew_at);
  ASSERT_TRUE(renewed);
  EXPECT_NE(renewed->cert.serial_number, first->cert.serial_number);
  EXPECT_GT(renewed->cert.modify_index, first->cert.modify_index);
}

TEST_F(CaManagerTest, LeafTtlChangeWithoutRotation) {
  EXPECT_FALSE(ca_.set_configuration(config({{"LeafCertTTL", "2m"}}), now_));
  EXPECT_EQ(ca_.roots().roots.size(), 1U);
  const auto leaf = ca_.leaf("db", now_);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(ca_.configuration().config.value()["LeafCertTTL"], "2m");
}

TEST_F(CaManagerTest, LeafTtlBounds) {
  auto e = ca_.set_configuration(config({{"LeafCertTTL", "59s"}}), now_);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 500U);
  EXPECT_EQ(e->body, "leaf cert TTL must be greater or equal than 1m0s");
  e = ca_.set_configuration(config({{"LeafCertTTL", "8761h"}}), now_);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "leaf cert TTL must be less than 8760h0m0s");
}

TEST_F(CaManagerTest, KeyTypeChangeRotatesAndReissuesLeaves) {
  const auto before = ca_.roots();
  const auto old_leaf = ca_.leaf("web", now_);
  ASSERT_TRUE(old_leaf);
  EXPECT_FALSE(ca_.set_configuration(
      config({{"PrivateKeyType", "rsa"}, {"PrivateKeyBits", 2048}}), now_));
  const auto after = ca_.roots();
  ASSERT_EQ(after.roots.size(), 2U);
  EXPECT_EQ(after.roots[0].id, before.active_root_id);
  EXPECT_FALSE(after.roots[0].active);
  EXPECT_TRUE(after.roots[1].active);
  EXPECT_EQ(after.active_root_id, after.roots[1].id);
  EXPECT_EQ(after.roots[1].private_key_type, "rsa");
  EXPECT_EQ(after.trust_domain, before.trust_domain);
  const auto new_leaf = ca_.leaf("web", now_);
  ASSERT_TRUE(new_leaf);
  EXPECT_NE(new_leaf->cert.serial_number, old_leaf->cert.serial_number);
  EXPECT_EQ(new_leaf->signing_key_id, after.roots[1].signing_key_id);
}

TEST_F(CaManagerTest, SameSettingsDoNotRotate) {
  EXPECT_FALSE(ca_.set_configuration(
      config({{"PrivateKeyType", "ec"}, {"PrivateKeyBits", 256}}), now_));
  EXPECT_EQ(ca_.roots().roots.size(), 1U);
}

}  // namespace
}  // namespace gatehouse::tools
