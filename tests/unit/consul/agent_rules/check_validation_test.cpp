// CheckType.Validate (agent/structs/check_type.go) and the check rules of AgentRegisterService
// (agent/agent_endpoint.go).
#include "consul/agent_rules/check_validation.hpp"

#include <gtest/gtest.h>

#include "consul/json_decode.hpp"

namespace gatehouse::consul {
namespace {

// A check decoded as the register endpoint decodes it (inside a registration).
AgentServiceCheck check(std::string_view json) {
  const std::string body = R"({"Name":"a","Check":)" + std::string{json} + "}";
  auto reg = decode_json<AgentServiceRegistration>(body, kStrictBodyAnyCase);
  EXPECT_TRUE(reg) << reg.error();
  return reg && reg->check ? *reg->check : AgentServiceCheck{};
}

TEST(CheckValidation, CheckTypeValidateTexts) {
  EXPECT_EQ(validate_check_type(check(R"({"TTL":"10s"})")), std::nullopt);
  EXPECT_EQ(validate_check_type(check(R"({"HTTP":"http://x","Interval":"10s"})")), std::nullopt);
  EXPECT_EQ(validate_check_type(check(R"({"AliasService":"web"})")), std::nullopt);
  EXPECT_EQ(validate_check_type(check(R"({"Name":"n"})")), "TTL must be > 0 for TTL checks");
  EXPECT_EQ(validate_check_type(check(R"({"GRPC":"x:1"})")),
            "Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks");
  EXPECT_EQ(validate_check_type(check(R"({"TTL":"1s","Interval":"1s"})")),
            "Interval and TTL cannot both be specified");
  EXPECT_EQ(validate_check_type(check(R"({"TCP":"x:1","Interval":"1s","AliasService":"a"})")),
            "Interval cannot be set for Alias checks");
  EXPECT_EQ(validate_check_type(check(R"({"AliasNode":"n","TTL":"1s"})")),
            "TTL must be not be set for Alias checks");
  EXPECT_EQ(validate_check_type(check(R"({"TTL":"1s","FailuresBeforeWarning":2,
                                     "FailuresBeforeCritical":1})")),
            "FailuresBeforeWarning can't be higher than FailuresBeforeCritical");
}

TEST(CheckValidation, RegistrationTextsAndEmptyCheck) {
  auto reg = decode_json<AgentServiceRegistration>(
      R"({"Name":"a","Check":{},"Checks":[{"TTL":"1s","Status":"up"}]})", kStrictBodyAnyCase);
  ASSERT_TRUE(reg);
  EXPECT_EQ(registered_checks(*reg).size(), 1U);  // the empty Check is skipped
  EXPECT_EQ(check_registration_error(*reg),
            "Status for checks must 'passing', 'warning', 'critical'");
  reg = decode_json<AgentServiceRegistration>(
      R"({"Name":"a","Connect":{"SidecarService":{"Checks":[{"Name":"x"}]}}})", kStrictBodyAnyCase);
  ASSERT_TRUE(reg);
  EXPECT_EQ(check_registration_error(*reg),
            "Invalid check in sidecar_service: TTL must be > 0 for TTL checks");
}

}  // namespace
}  // namespace gatehouse::consul
