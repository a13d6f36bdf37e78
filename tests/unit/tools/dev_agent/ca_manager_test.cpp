#include "tools/dev_agent/ca_manager.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "tls/certificate.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::tools {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

consul::CaConfiguration config(const nlohmann::json& provider_config) {
  consul::CaConfiguration c;
  c.provider = "consul";
  c.config = consul::RawJson{provider_config};
  return c;
}

class CaManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(ca_.initialize(now_)); }

  // Runs one CaManager coroutine to completion on the test's io_context (the agent's thread).
  template <class T>
  T run(net::awaitable<T> task) {
    auto result = net::co_spawn(ioc_, std::move(task), net::use_future);
    ioc_.restart();
    ioc_.run();
    return result.get();
  }
  CaManager::LeafResult leaf(const std::string& service, Clock::time_point at) {
    return run(ca_.leaf(service, at));
  }
  std::optional<HttpError> configure(const nlohmann::json& provider_config, Clock::time_point at) {
    return run(ca_.set_configuration(config(provider_config), at));
  }
  std::string active_signing_key_id() const {
    const auto roots = ca_.roots();
    for (const auto& r : roots.roots) {
      if (r.active) return r.signing_key_id;
    }
    return {};
  }

  net::io_context ioc_;
  StateStore store_;
  CaManager ca_{store_, "dc1"};
  Clock::time_point now_ = Clock::now();
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
  const auto first = leaf("web", now_);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->cert.service, "web");
  EXPECT_EQ(first->cert.service_uri,
            "spiffe://" + ca_.trust_domain() + "/ns/default/dc/dc1/svc/web");
  const auto again = leaf("web", now_ + 1h);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->cert.serial_number, first->cert.serial_number);
  EXPECT_EQ(again->cert.modify_index, first->cert.modify_index);
  // The renewal point lies between 60 % and 90 % of the 72h lifetime (measured from ValidAfter,
  // which is one minute before issuing).
  // Minutes, so that 60 % and 90 % of 72h are exact (hours would truncate 64.8h to 64h).
  const auto valid_after = now_ - 1min;
  const std::chrono::minutes lifetime = 72h;
  EXPECT_GE(first->renew_at, valid_after - 1s + lifetime * 6 / 10);  // X.509 times are seconds
  EXPECT_LE(first->renew_at, valid_after + lifetime * 9 / 10);
  const auto renewed = leaf("web", first->renew_at);
  ASSERT_TRUE(renewed);
  EXPECT_NE(renewed->cert.serial_number, first->cert.serial_number);
  EXPECT_GT(renewed->cert.modify_index, first->cert.modify_index);
}

// Consul's Sign (agent/connect/ca/provider_consul.go) back-dates NotBefore one minute and sets
// NotAfter = NotBefore + LeafCertTTL. That stays for every TTL Consul accepts (>= 1h); the dev
// agent's shorter TTLs are back-dated 1/60 of the TTL, so a leaf is valid for 59/60 of its TTL
// from the moment it is issued, and the renewal point (60-90 % of the lifetime from NotBefore,
// calculateSoftExpiry in agent/leafcert) is in the future.
struct TtlCase {
  const char* text;
  std::chrono::seconds ttl;
  std::chrono::seconds backdate;
};

class LeafDatesTest : public CaManagerTest, public ::testing::WithParamInterface<TtlCase> {};

TEST_P(LeafDatesTest, ValidForMostOfTheTtlFromIssueAndRenewedBeforeExpiry) {
  const auto& c = GetParam();
  ASSERT_FALSE(configure({{"LeafCertTTL", c.text}}, now_));
  // Whole seconds, as X.509 times are.
  const auto issued_at = std::chrono::floor<std::chrono::seconds>(now_) + 1s;
  const auto issued = leaf("web", issued_at);
  ASSERT_TRUE(issued) << issued.error();
  EXPECT_EQ(tools::leaf_backdate(c.ttl), c.backdate);
  const auto not_before = issued_at - c.backdate;
  const auto not_after = not_before + c.ttl;
  EXPECT_EQ(issued->cert.valid_after, tls::format_rfc3339(not_before));
  EXPECT_EQ(issued->cert.valid_before, tls::format_rfc3339(not_after));
  // Valid now, and for at least 59/60 of the TTL from now.
  EXPECT_LT(not_before, issued_at);
  EXPECT_GE(not_after - issued_at, c.ttl * 59 / 60);
  // Renewal: 60-90 % of NotAfter - NotBefore after NotBefore, so in the future and before expiry.
  EXPECT_GE(issued->renew_at, not_before + c.ttl * 6 / 10);
  EXPECT_LE(issued->renew_at, not_before + c.ttl * 9 / 10);
  EXPECT_GT(issued->renew_at, issued_at);
  EXPECT_LT(issued->renew_at, not_after);
  // Served from the cache until then, re-issued from then on.
  const auto before_renewal = leaf("web", issued->renew_at - 1s);
  ASSERT_TRUE(before_renewal);
  EXPECT_EQ(before_renewal->cert.serial_number, issued->cert.serial_number);
  const auto renewed = leaf("web", issued->renew_at);
  ASSERT_TRUE(renewed);
  EXPECT_NE(renewed->cert.serial_number, issued->cert.serial_number);
}

INSTANTIATE_TEST_SUITE_P(Ttls, LeafDatesTest,
                         ::testing::Values(TtlCase{"1m", 1min, 1s}, TtlCase{"5m", 5min, 5s},
                                           TtlCase{"59m", 59min, 59s}, TtlCase{"1h", 1h, 60s},
                                           TtlCase{"72h", 72h, 60s}),
                         [](const auto& param_info) { return std::string{param_info.param.text}; });

TEST_F(CaManagerTest, LeafTtlChangeWithoutRotation) {
  EXPECT_FALSE(configure({{"LeafCertTTL", "2m"}}, now_));
  EXPECT_EQ(ca_.roots().roots.size(), 1U);
  const auto issued = leaf("db", now_);
  ASSERT_TRUE(issued);
  EXPECT_EQ(ca_.configuration().config.value()["LeafCertTTL"], "2m");
}

TEST_F(CaManagerTest, LeafTtlBounds) {
  auto e = configure({{"LeafCertTTL", "59s"}}, now_);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 500U);
  EXPECT_EQ(e->body, "leaf cert TTL must be greater or equal than 1m0s");
  e = configure({{"LeafCertTTL", "8761h"}}, now_);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "leaf cert TTL must be less than 8760h0m0s");
}

TEST_F(CaManagerTest, KeyTypeChangeRotatesAndReissuesLeaves) {
  const auto before = ca_.roots();
  const auto old_leaf = leaf("web", now_);
  ASSERT_TRUE(old_leaf);
  EXPECT_FALSE(configure({{"PrivateKeyType", "rsa"}, {"PrivateKeyBits", 2048}}, now_));
  EXPECT_FALSE(ca_.reconfiguring());
  const auto after = ca_.roots();
  ASSERT_EQ(after.roots.size(), 2U);
  EXPECT_EQ(after.roots[0].id, before.active_root_id);
  EXPECT_FALSE(after.roots[0].active);
  EXPECT_TRUE(after.roots[1].active);
  EXPECT_EQ(after.active_root_id, after.roots[1].id);
  EXPECT_EQ(after.roots[1].private_key_type, "rsa");
  EXPECT_EQ(after.trust_domain, before.trust_domain);
  const auto new_leaf = leaf("web", now_);
  ASSERT_TRUE(new_leaf);
  EXPECT_NE(new_leaf->cert.serial_number, old_leaf->cert.serial_number);
  EXPECT_EQ(new_leaf->signing_key_id, after.roots[1].signing_key_id);
}

TEST_F(CaManagerTest, SameSettingsDoNotRotate) {
  EXPECT_FALSE(configure({{"PrivateKeyType", "ec"}, {"PrivateKeyBits", 256}}, now_));
  EXPECT_EQ(ca_.roots().roots.size(), 1U);
}

// While a rotation's key is generated on the worker, the agent's thread serves other requests.
// (Arguments of a co_await are built first and moved in: GCC 12 destroys braced temporaries in a
// co_await full-expression twice.)
// The test drives both from one coroutine on the test's io_context (the agent's thread): it
// starts a rotation, yields until the rotation is waiting for its key, and then, with nothing
// else able to run in between, makes the other call.
struct DuringRotation {
  bool observed = false;            // the rotation was still running when the call was made
  std::optional<HttpError> second;  // a second configuration update
  CaManager::LeafResult leaf{boost::system::in_place_error, "not asked"};
  std::string active_when_leaf_returned;
};

// Yields to the rotation until it waits for its key (true) or has finished (false).
template <class Rotation>
net::awaitable<bool> yield_until_reconfiguring(net::io_context& ioc, const CaManager& ca,
                                               Rotation& rotation) {
  while (!ca.reconfiguring() &&
         rotation.wait_for(std::chrono::seconds{0}) != std::future_status::ready) {
    co_await net::post(ioc, net::use_awaitable);
  }
  co_return ca.reconfiguring();
}

TEST_F(CaManagerTest, SecondUpdateDuringRotationIsRefusedAsConsulDoes) {
  const auto before = ca_.roots();
  auto rotation = net::co_spawn(
      ioc_, ca_.set_configuration(config({{"PrivateKeyType", "rsa"}}), now_), net::use_future);
  DuringRotation seen;
  auto probe = [&]() -> net::awaitable<void> {
    seen.observed = co_await yield_until_reconfiguring(ioc_, ca_, rotation);
    auto update = config({{"LeafCertTTL", "2h"}});
    seen.second = co_await ca_.set_configuration(std::move(update), now_);
  };
  net::co_spawn(ioc_, probe(), net::detached);
  ioc_.run();
  ASSERT_TRUE(seen.observed);
  ASSERT_TRUE(seen.second);
  EXPECT_EQ(seen.second->status, 500U);
  EXPECT_EQ(seen.second->body, "CA is already in state \"RECONFIGURING\"");
  // The rotation itself went through; the refused update left nothing behind.
  EXPECT_FALSE(rotation.get());
  EXPECT_FALSE(ca_.reconfiguring());
  const auto after = ca_.roots();
  ASSERT_EQ(after.roots.size(), 2U);
  EXPECT_EQ(after.roots[1].private_key_type, "rsa");
  EXPECT_EQ(ca_.configuration().config.value().value("LeafCertTTL", ""), "");
  EXPECT_EQ(before.roots[0].id, after.roots[0].id);
  // Once done, the next update is accepted.
  EXPECT_FALSE(configure({{"LeafCertTTL", "2h"}, {"PrivateKeyType", "rsa"}}, now_));
}

TEST_F(CaManagerTest, LeafDuringRotationIsNeverFromAnInactiveRoot) {
  const auto old_key = active_signing_key_id();
  auto rotation = net::co_spawn(
      ioc_, ca_.set_configuration(config({{"PrivateKeyType", "rsa"}}), now_), net::use_future);
  DuringRotation seen;
  auto probe = [&]() -> net::awaitable<void> {
    seen.observed = co_await yield_until_reconfiguring(ioc_, ca_, rotation);
    seen.leaf = co_await ca_.leaf("api", now_);
    seen.active_when_leaf_returned = active_signing_key_id();
  };
  net::co_spawn(ioc_, probe(), net::detached);
  ioc_.run();
  ASSERT_TRUE(seen.observed);
  ASSERT_TRUE(seen.leaf) << seen.leaf.error();
  // Signed by the old root if the rotation was still running, re-signed by the new one if the
  // rotation was stored while the leaf was being signed: whichever root was active then.
  EXPECT_EQ(seen.leaf->signing_key_id, seen.active_when_leaf_returned);
  EXPECT_FALSE(rotation.get());
  const auto new_key = active_signing_key_id();
  ASSERT_NE(new_key, old_key);
  const auto after = leaf("api", now_);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->signing_key_id, new_key);
  if (seen.leaf->signing_key_id == old_key) {
    EXPECT_NE(after->cert.serial_number, seen.leaf->cert.serial_number);
  }
}

TEST_F(CaManagerTest, ConcurrentRequestsForOneServiceShareOneLeaf) {
  auto first = net::co_spawn(ioc_, ca_.leaf("db", now_), net::use_future);
  auto second = net::co_spawn(ioc_, ca_.leaf("db", now_), net::use_future);
  ioc_.run();
  const auto a = first.get();
  const auto b = second.get();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->cert.serial_number, b->cert.serial_number);
  EXPECT_EQ(a->cert.modify_index, b->cert.modify_index);
}

}  // namespace
}  // namespace gatehouse::tools
