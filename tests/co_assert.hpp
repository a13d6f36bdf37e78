#pragma once
// ASSERT_* cannot be used inside coroutines (they `return`); CO_ASSERT is the co_return form.

#include <gtest/gtest.h>

#define CO_ASSERT(cond, msg)               \
  if (!(cond)) {                           \
    ADD_FAILURE() << #cond << ": " << msg; \
    co_return;                             \
  }
