// Answer extraction and grading for ponder-cli eval: the outputs reasoning models really produce.
#include "ponder/answer.h"

#include <gtest/gtest.h>

using namespace ponder;

namespace {

// Extracted value of a completion whose prompt opened <think>; "<none>" when it has no answer.
std::string graded(const std::string& completion, bool opens_think = true) {
    auto text = final_answer_text(completion, opens_think);
    return text ? extract_answer(*text).value : "<none>";
}

} // namespace

TEST(Answer, BoxedAfterThinking) {
    EXPECT_EQ(graded("7 + 5 = 12\n</think>\n\n47 + 385 = \\boxed{432}"), "432");
    EXPECT_TRUE(extract_answer("so \\boxed{432}").boxed);
}

TEST(Answer, NestedBracesInBoxed) {
    EXPECT_EQ(graded("</think>The answer is $\\boxed{\\frac{1}{2}}$."), "\\frac{1}{2}");
    EXPECT_EQ(graded("</think>\\boxed{\\{1, 2\\} \\cup {3}}"), "\\{1, 2\\} \\cup {3}");
}

TEST(Answer, LastOfSeveralBoxedWins) {
    EXPECT_EQ(graded("</think>First \\boxed{12}, corrected: \\boxed{13}."), "13");
}

TEST(Answer, UnterminatedBoxedIsIgnored) {
    EXPECT_EQ(graded("</think>\\boxed{12} then \\boxed{13"), "12");
    EXPECT_EQ(graded("</think>it is 41, so \\boxed{42"), "42");  // falls back to the last number
}

TEST(Answer, NoClosingThinkMeansNoAnswer) {
    EXPECT_EQ(graded("Let me add 7 and 5... \\boxed{12}"), "<none>");
    // A model that writes <think> itself (January 2025 template) and never closes it.
    EXPECT_EQ(graded("<think>\nhmm \\boxed{3}", false), "<none>");
}

TEST(Answer, AnswerOnlyInReasoningDoesNotCount) {
    EXPECT_EQ(graded("the sum is \\boxed{432}\n</think>\n\nI am not sure."), "I am not sure.");
    EXPECT_FALSE(answer_matches(graded("the sum is \\boxed{432}\n</think>\n\nI am not sure."), "432"));
}

TEST(Answer, ModelsThatDoNotReasonAnswerInTheWholeText) {
    EXPECT_EQ(graded("The answer is 432.", false), "432");
}

TEST(Answer, LastNumberWhenNotBoxed) {
    EXPECT_EQ(graded("</think>\n\nThere are 3 r's, so 3."), "3");
    EXPECT_EQ(graded("</think>\n\nIt is -1,234,567 in total"), "-1,234,567");
    EXPECT_EQ(graded("</think>\n\nabout 2.5 kg"), "2.5");
    EXPECT_EQ(graded("</think>\n\nHello there"), "Hello there");
}

TEST(Answer, Matching) {
    EXPECT_TRUE(answer_matches("1,234", "1234"));
    EXPECT_TRUE(answer_matches("1234.0", "1234"));
    EXPECT_TRUE(answer_matches(" 432 ", "432"));
    EXPECT_TRUE(answer_matches("$432$", "432"));
    EXPECT_TRUE(answer_matches("-338", "-338"));
    EXPECT_FALSE(answer_matches("338", "-338"));
    EXPECT_FALSE(answer_matches("4320", "432"));
    EXPECT_FALSE(answer_matches("", ""));
    EXPECT_TRUE(answer_matches("\\frac{1}{2}", "\\frac{1}{2}."));
    EXPECT_TRUE(answer_matches("\\left( 3, 4 \\right)", "(3,4)"));
    EXPECT_FALSE(answer_matches("\\frac{1}{2}", "0.5"));  // no symbolic equivalence, by design
    EXPECT_TRUE(answer_matches("Paris", "Paris"));
    EXPECT_FALSE(answer_matches("paris", "Paris"));
}

TEST(Answer, GradingTextAnswersUsesTheWholeText) {
    const char* hello = "Hello! I can add. Try \"What is 47 + 385?\"";
    EXPECT_TRUE(grade_answer(std::string("\n\n") + hello, hello).correct);
    EXPECT_EQ(grade_answer(hello, "385").extracted, "385");  // numeric: the last number
    EXPECT_TRUE(grade_answer("so \\boxed{Paris}.", "Paris").correct);
    EXPECT_FALSE(grade_answer("Hello", "Goodbye").correct);
}

TEST(Answer, PassAtK) {
    EXPECT_DOUBLE_EQ(pass_at_k(16, 4, 1), 0.25);      // pass@1 is the fraction correct
    EXPECT_DOUBLE_EQ(pass_at_k(16, 0, 1), 0.0);
    EXPECT_DOUBLE_EQ(pass_at_k(16, 16, 1), 1.0);
    EXPECT_DOUBLE_EQ(pass_at_k(4, 1, 4), 1.0);
    EXPECT_DOUBLE_EQ(pass_at_k(4, 0, 4), 0.0);
    // 1 - C(3,2)/C(5,2) = 1 - 3/10
    EXPECT_NEAR(pass_at_k(5, 2, 2), 0.7, 1e-12);
    EXPECT_DOUBLE_EQ(pass_at_k(5, 4, 2), 1.0);  // fewer than k wrong samples: always a right one
}
