// IntentionIndex must give exactly consul::decide's first match: random intention lists with
// exact and wildcard names and namespaces, partitions, peers and L7 permissions, against random
// callers.
#include "proxy/intention_index.hpp"

#include <gtest/gtest.h>

#include <random>

#include "consul/intention_decision.hpp"

namespace gatehouse::proxy {
namespace {

template <class T>
const T& pick(std::mt19937& rng, const std::vector<T>& from) {
  return from[std::uniform_int_distribution<std::size_t>{0, from.size() - 1}(rng)];
}

const std::vector<std::string> kNames{"web", "api", "*"};
const std::vector<std::string> kNamespaces{"default", "", "team", "*"};
const std::vector<std::string> kPartitions{"", "default", "p1"};

consul::Intention random_intention(std::mt19937& rng) {
  consul::Intention i;
  i.source_name = pick(rng, kNames);
  i.source_ns = pick(rng, kNamespaces);
  i.source_partition = pick(rng, kPartitions);
  i.destination_name = "db";
  i.destination_ns = "default";
  if (std::bernoulli_distribution{0.1}(rng)) i.source_peer = "east";
  if (std::bernoulli_distribution{0.15}(rng)) {
    i.permissions.push_back(consul::IntentionPermission{"allow", std::nullopt, {}});
  } else {
    i.action = std::bernoulli_distribution{0.5}(rng) ? "allow" : "deny";
  }
  i.update_precedence();
  return i;
}

TEST(IntentionIndex, FirstMatchIsConsulsOnRandomLists) {
  std::mt19937 rng{7};
  int matched = 0;
  int unmatched = 0;
  for (int list = 0; list < 500; ++list) {
    std::vector<consul::Intention> matches;
    const int count = std::uniform_int_distribution<int>{0, 12}(rng);
    for (int n = 0; n < count; ++n) matches.push_back(random_intention(rng));
    consul::sort_intentions(matches);
    const IntentionIndex index{matches};
    for (int c = 0; c < 20; ++c) {
      consul::ServiceRef caller;
      caller.name = pick(rng, std::vector<std::string>{"web", "api", "db"});
      caller.ns = pick(rng, std::vector<std::string>{"default", "team"});
      caller.partition = pick(rng, std::vector<std::string>{"", "p1"});
      const consul::Decision expected = consul::decide(matches, caller, {});
      const Verdict* got = index.decide(caller);
      ASSERT_EQ(got != nullptr, expected.matched.has_value()) << "list " << list;
      if (got == nullptr) {
        ++unmatched;
        continue;
      }
      ++matched;
      EXPECT_EQ(got->allowed, expected.allowed);
      EXPECT_EQ(got->reason, expected.reason);
      EXPECT_EQ(got->intention, consul::intention_label(expected.reason));
    }
  }
  EXPECT_GT(matched, 1000);
  EXPECT_GT(unmatched, 1000);
}

TEST(IntentionIndex, AnExactSourceLowerInTheListLosesToAnEarlierWildcard) {
  std::vector<consul::Intention> matches(2);
  matches[0].source_ns = "*";  // precedence of a wildcard namespace is lower; force the order
  matches[0].source_name = "*";
  matches[0].action = "deny";
  matches[1].source_name = "web";
  matches[1].action = "allow";
  const IntentionIndex index{matches};  // evaluation order as given
  const Verdict* got = index.decide(consul::ServiceRef{"default", "web", ""});
  ASSERT_NE(got, nullptr);
  EXPECT_FALSE(got->allowed);
}

}  // namespace
}  // namespace gatehouse::proxy
