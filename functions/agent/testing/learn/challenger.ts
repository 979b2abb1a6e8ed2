/**
 * Space-shuttle launch temperatures (°F) before the Challenger accident and whether any field-joint O-ring
 * showed thermal distress: public facts from the 1986 Presidential Commission report, the classic textbook
 * example of logistic regression. Each set comes with the coefficients R's `glm(failure ~ temp, family =
 * binomial)` prints for it in published course material, to the digits printed there.
 */

/** 24 launches as in Montgomery & Runger's engineering statistics text (with the 56 °F and 80 °F flights). */
export const CHALLENGER_24 = {
  temperature: [
    53, 56, 57, 63, 66, 67, 67, 67, 68, 69, 70, 70, 70, 70, 72, 73, 75, 75, 76, 76, 78, 79, 80, 81,
  ],
  failure: [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
  published: {
    intercept: 10.87535,
    temperature: -0.17132,
    interceptSe: 5.70291,
    temperatureSe: 0.08344,
    nullDeviance: 28.975,
    residualDeviance: 23.03,
    digits: 5,
  },
} as const;

/** The 23 flights with recovered boosters (alr4's `Challeng`, failure = any distressed O-ring). */
export const CHALLENGER_23 = {
  temperature: [53, 57, 58, 63, 66, 67, 67, 67, 68, 69, 70, 70, 70, 70, 72, 73, 75, 75, 76, 76, 78, 79, 81],
  failure: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
  published: {
    intercept: 15.0429,
    temperature: -0.2322,
    interceptSe: 7.3786,
    temperatureSe: 0.1082,
    digits: 4,
  },
} as const;
