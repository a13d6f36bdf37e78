#include "tools/dev_agent/intention_store.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tools {
namespace {

consul::ServiceRef svc(std::string name) {
  consul::ServiceRef r;
  r.name = std::move(name);
  return r;
}

consul::Intention action(std::string a) {
  consul::Intention i;
  i.action = std::move(a);
  return i;
}

class IntentionStoreTest : public ::testing::Test {
 protected:
  StateStore store_;
  IntentionStore intentions_{store_};
};

TEST_F(IntentionStoreTest, ExactWritesLandInOneEntryPerDestination) {
  ASSERT_FALSE(intentions_.put_exact(svc("web"), svc("db"), action("allow")));
  ASSERT_FALSE(intentions_.put_exact(svc("*"), svc("db"), action("deny")));
  const auto* entry = intentions_.intentions_entry("db");
  ASSERT_NE(entry, nullptr);
  ASSERT_EQ(entry->sources.size(), 2U);
  EXPECT_EQ(entry->sources[0].name, "web");  // sorted by precedence
  EXPECT_EQ(entry->sources[1].name, "*");
  const auto all = intentions_.all();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].precedence, 9);
  EXPECT_EQ(all[1].precedence, 8);
  // Upsert replaces the source in place.
  ASSERT_FALSE(intentions_.put_exact(svc("web"), svc("db"), action("deny")));
  EXPECT_EQ(intentions_.get_exact(svc("web"), svc("db"))->action, "deny");
  EXPECT_EQ(intentions_.intentions_entry("db")->sources.size(), 2U);
}

TEST_F(IntentionStoreTest, DeletingTheLastSourceRemovesTheEntry) {
  ASSERT_FALSE(intentions_.put_exact(svc("web"), svc("db"), action("allow")));
  intentions_.delete_exact(svc("web"), svc("db"));
  EXPECT_EQ(intentions_.intentions_entry("db"), nullptr);
  EXPECT_TRUE(intentions_.all().empty());
}

TEST_F(IntentionStoreTest, EveryWriteAdvancesTheIndex) {
  const auto i0 = intentions_.index();
  ASSERT_FALSE(intentions_.put_exact(svc("web"), svc("db"), action("allow")));
  const auto i1 = intentions_.index();
  EXPECT_GT(i1, i0);
  intentions_.delete_exact(svc("web"), svc("db"));
  EXPECT_GT(intentions_.index(), i1);
}

TEST_F(IntentionStoreTest, LegacyIdsRoundTripAndCannotMixWithConfigEntries) {
  consul::Intention ixn = action("allow");
  ixn.source_name = "web";
  ixn.destination_name = "api";
  const auto id = intentions_.create_legacy(ixn, "2026-01-01T00:00:00Z");
  ASSERT_TRUE(id) << id.error().body;
  const auto got = intentions_.get_legacy(*id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->created_at, "2026-01-01T00:00:00Z");
  EXPECT_EQ(got->to_string(),
            "default/web => default/api (ID: " + *id + ", Precedence: 9, Action: ALLOW)");
  // A duplicate source for the same destination is a config-entry validation error.
  const auto dup = intentions_.create_legacy(ixn, "2026-01-01T00:00:00Z");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().status, 500U);
  EXPECT_EQ(dup.error().body, "Sources[1] defines \"web\" more than once");

  ASSERT_FALSE(intentions_.put_exact(svc("web"), svc("db"), action("allow")));
  consul::Intention onto_db = action("allow");
  onto_db.source_name = "api";
  onto_db.destination_name = "db";
  const auto mixed = intentions_.create_legacy(onto_db, "2026-01-01T00:00:00Z");
  ASSERT_FALSE(mixed);
  // agent/consul/state/config_entry_intention.go checkLegacyIntentionApplyAllowed.
  EXPECT_EQ(mixed.error().body,
            "cannot use legacy intention API to edit intentions with a destination of \"db\" "
            "after editing them via a service-intentions config entry");
}

TEST_F(IntentionStoreTest, CasGuardsConfigEntryWrites) {
  consul::ServiceIntentionsEntry e;
  e.name = "db";
  consul::SourceIntention s;
  s.name = "web";
  s.action = "allow";
  e.sources.push_back(s);
  auto w = intentions_.put_intentions_entry(e, std::uint64_t{0});
  ASSERT_TRUE(w);
  EXPECT_TRUE(*w);
  w = intentions_.put_intentions_entry(e, std::uint64_t{0});  // exists now
  ASSERT_TRUE(w);
  EXPECT_FALSE(*w);
  const auto current = intentions_.intentions_entry("db")->modify_index;
  w = intentions_.put_intentions_entry(e, current);
  ASSERT_TRUE(w);
  EXPECT_TRUE(*w);
}

}  // namespace
}  // namespace gatehouse::tools
