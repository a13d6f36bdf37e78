#include "tools/probe/pair_plan.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tools {
namespace {

TEST(PairPlan, EverySourceWithEveryOtherDestinationSorted) {
  const auto pairs = plan_pairs({"web", "db", "api"}, {"web", "db", "api"}, false);
  const std::vector<ProbePair> want{{"api", "db"}, {"api", "web"}, {"db", "api"},
                                    {"db", "web"}, {"web", "api"}, {"web", "db"}};
  EXPECT_EQ(pairs, want);
}

TEST(PairPlan, SelfPairsOnlyWhenAsked) {
  EXPECT_TRUE(plan_pairs({"web"}, {"web"}, false).empty());
  const std::vector<ProbePair> want{{"web", "web"}};
  EXPECT_EQ(plan_pairs({"web"}, {"web"}, true), want);
}

TEST(PairPlan, DuplicatesDropped) {
  const std::vector<ProbePair> want{{"web", "db"}};
  EXPECT_EQ(plan_pairs({"web", "web"}, {"db", "db"}, true), want);
  const std::vector<std::string> names{"a", "b"};
  EXPECT_EQ(sorted_unique({"b", "a", "b"}), names);
}

}  // namespace
}  // namespace gatehouse::tools
