#pragma once
// MS_COMPARE_NEAR(actual, expected, tolerance): the floating-point comparison of the suites. It
// passes when |actual - expected| <= tolerance and, when it fails, prints what
// QVERIFY(std::abs(a - b) < tol) cannot: both values, the tolerance and the difference, each with
// the expression it came from. A NaN on either side fails. A tolerance may be any expression, so
// the message shows the bound actually applied:
//     MS_COMPARE_NEAR(centre, trainLoss, kCentreRelTolerance * trainLoss + kCentreFloor);
// MS_COMPARE_RELATIVE(actual, expected, relativeTolerance) is the same comparison with the
// tolerance relativeTolerance * |expected| (expected evaluated once).
// MS_COMPARE_NEAR_AT and MS_COMPARE_RELATIVE_AT add a line of context to the failure (the loop
// index, the case name: a const char*, e.g. qPrintable(...)).
// Like QCOMPARE, a failure records the failure and returns from the calling (void) function.

#include <QLocale>
#include <QtTest/QtTest>

#include <cmath>

namespace minimascope::tests {

/// Whether |actual - expected| <= tolerance; on failure, reports it to Qt Test at file:line.
inline bool compareNear(double actual, double expected, double tolerance, const char* actualExpression,
                        const char* expectedExpression, const char* toleranceExpression, const char* context,
                        const char* file, int line)
{
    const double difference = std::abs(actual - expected);
    if (difference <= tolerance)   // false for NaN
        return true;
    const auto number = [](double value) {
        return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);   // round-trips
    };
    QByteArray message = "Compared values are not within the tolerance";
    if (context != nullptr && *context != '\0')
        message += QByteArray(" (") + context + ')';
    message += QByteArray("\n   Actual     (") + actualExpression + "): " + number(actual);
    message += QByteArray("\n   Expected   (") + expectedExpression + "): " + number(expected);
    message += QByteArray("\n   Tolerance  (") + toleranceExpression + "): " + number(tolerance);
    message += QByteArray("\n   Difference |actual - expected|: ") + number(difference);
    QTest::qFail(message.constData(), file, line);
    return false;
}

/// compareNear with the tolerance relativeTolerance * |expected|.
inline bool compareRelative(double actual, double expected, double relativeTolerance, const char* actualExpression,
                            const char* expectedExpression, const char* toleranceExpression, const char* context,
                            const char* file, int line)
{
    const QByteArray tolerance = QByteArray(toleranceExpression) + " * |expected|";
    return compareNear(actual, expected, relativeTolerance * std::abs(expected), actualExpression, expectedExpression,
                       tolerance.constData(), context, file, line);
}

}   // namespace minimascope::tests

#define MS_COMPARE_NEAR_AT(actual, expected, tolerance, context)                                                       \
    do {                                                                                                               \
        if (!::minimascope::tests::compareNear(static_cast<double>(actual), static_cast<double>(expected),             \
                                               static_cast<double>(tolerance), #actual, #expected, #tolerance,         \
                                               context, __FILE__, __LINE__))                                           \
            return;                                                                                                    \
    } while (false)

#define MS_COMPARE_NEAR(actual, expected, tolerance) MS_COMPARE_NEAR_AT(actual, expected, tolerance, nullptr)

#define MS_COMPARE_RELATIVE_AT(actual, expected, relativeTolerance, context)                                           \
    do {                                                                                                               \
        if (!::minimascope::tests::compareRelative(static_cast<double>(actual), static_cast<double>(expected),         \
                                                   static_cast<double>(relativeTolerance), #actual, #expected,         \
                                                   #relativeTolerance, context, __FILE__, __LINE__))                   \
            return;                                                                                                    \
    } while (false)

#define MS_COMPARE_RELATIVE(actual, expected, relativeTolerance)                                                       \
    MS_COMPARE_RELATIVE_AT(actual, expected, relativeTolerance, nullptr)
