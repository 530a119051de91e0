#include "study/StudyTableModel.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace minimascope::ui {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The columns after the axes, in order.
constexpr StudyTableModel::Column trailing[] = {
    StudyTableModel::Column::Optimizer,  StudyTableModel::Column::Eta,       StudyTableModel::Column::BatchSize,
    StudyTableModel::Column::Seed,       StudyTableModel::Column::TrainLoss, StudyTableModel::Column::TestAccuracy,
    StudyTableModel::Column::Iterations, StudyTableModel::Column::Sharpness, StudyTableModel::Column::NonUniformity,
    StudyTableModel::Column::Stability,  StudyTableModel::Column::StopReason};
constexpr int leadingColumns = 2;   // #, state

nlohmann::json parseAxes(const std::string& text)
{
    const nlohmann::json axes = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    return axes.is_object() ? axes : nlohmann::json::object();
}

QVariant jsonToVariant(const nlohmann::json& value)
{
    if (value.is_number())
        return value.get<double>();
    if (value.is_boolean())
        return value.get<bool>() ? 1.0 : 0.0;
    if (value.is_string())
        return QString::fromStdString(value.get<std::string>());
    return QString::fromStdString(value.dump());
}

// B from a resolved run config; 0 for full-batch optimizers (gd, lbfgs), whose B is n.
int64_t configuredBatchSize(const std::string& configJson)
{
    const nlohmann::json config = nlohmann::json::parse(configJson, nullptr, /*allow_exceptions=*/false);
    if (!config.is_object() || !config.contains("optimizer") || !config["optimizer"].is_object())
        return 0;
    const nlohmann::json& optimizer = config["optimizer"];
    const std::string name = optimizer.value("name", std::string());
    if (name == "gd" || name == "lbfgs")
        return 0;
    const auto it = optimizer.find("batch_size");
    return it != optimizer.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool isFinished(core::StudyRunState state)
{
    return state == core::StudyRunState::Done || state == core::StudyRunState::Failed
           || state == core::StudyRunState::Diverged;
}

// Numbers a run has only once it ended: blank before.
double measured(const core::StudyRunRecord& run, double value) { return isFinished(run.state) ? value : nan; }

}   // namespace

StudyTableModel::StudyTableModel(QObject* parent) : QAbstractTableModel(parent) { }

QString StudyTableModel::stateName(core::StudyRunState state) { return QString::fromLatin1(core::toString(state)); }

QString StudyTableModel::stopReasonText(const core::StudyRunRecord& run)
{
    const QString reason = QString::fromStdString(run.stopReason);
    if (run.state == core::StudyRunState::Done && !run.converged)
        return reason.isEmpty() ? QStringLiteral("not converged") : QStringLiteral("not converged (%1)").arg(reason);
    return reason;
}

QVariant StudyTableModel::axisValue(const core::StudyRunRecord& run, const QString& key)
{
    const nlohmann::json axes = parseAxes(run.axesJson);
    const auto it = axes.find(key.toStdString());
    return it == axes.end() ? QVariant() : jsonToVariant(*it);
}

QStringList StudyTableModel::axisKeysOf(const core::StudyRunRecord& run)
{
    QStringList keys;
    const nlohmann::json axes = parseAxes(run.axesJson);   // alive while items() walks it
    for (const auto& item : axes.items())
        keys << QString::fromStdString(item.key());
    return keys;
}

QStringList StudyTableModel::axisKeysOf(const std::vector<core::StudyRunRecord>& runs)
{
    QStringList keys;
    for (const core::StudyRunRecord& run : runs)
        for (const QString& key : axisKeysOf(run))
            if (!keys.contains(key))
                keys << key;
    return keys;
}

QString StudyTableModel::formatNumber(double value)
{
    return std::isfinite(value) ? QString::number(value, 'g', 4) : QString();
}

void StudyTableModel::setRuns(std::vector<core::StudyRunRecord> runs)
{
    const QStringList keys = axisKeysOf(runs);
    bool prefix = keys == m_axisKeys && runs.size() >= m_runs.size();
    for (size_t i = 0; prefix && i < m_runs.size(); ++i)
        prefix = runs[i].key == m_runs[i].key;
    std::vector<QVariantMap> values;
    std::vector<QString> texts;
    for (core::StudyRunRecord& run : runs) {
        // A run not started yet has no B in the store: the config's ("all" for full batch).
        if (run.batchSize <= 0 && !run.configJson.empty())
            run.batchSize = configuredBatchSize(run.configJson);
        const nlohmann::json axes = parseAxes(run.axesJson);
        QVariantMap map;
        for (const auto& [key, value] : axes.items())
            map.insert(QString::fromStdString(key), jsonToVariant(value));
        values.push_back(std::move(map));
        texts.push_back(QString::fromStdString(core::describeAxes(axes)));
    }
    if (!prefix) {
        beginResetModel();
        m_runs = std::move(runs);
        m_axisValues = std::move(values);
        m_axesText = std::move(texts);
        m_axisKeys = keys;
        endResetModel();
        return;
    }
    const int oldRows = int(m_runs.size());
    const int newRows = int(runs.size());
    if (newRows > oldRows)
        beginInsertRows({}, oldRows, newRows - 1);
    m_runs = std::move(runs);
    m_axisValues = std::move(values);
    m_axesText = std::move(texts);
    if (newRows > oldRows)
        endInsertRows();
    if (oldRows > 0)
        Q_EMIT dataChanged(index(0, 0), index(oldRows - 1, columnCount() - 1));
}

int StudyTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_runs.size()); }

int StudyTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : leadingColumns + int(m_axisKeys.size()) + int(std::size(trailing));
}

int StudyTableModel::column(Column kind, const QString& axis) const
{
    switch (kind) {
    case Column::Index: return 0;
    case Column::State: return 1;
    case Column::Axis: {
        const int i = int(m_axisKeys.indexOf(axis));
        return i < 0 ? -1 : leadingColumns + i;
    }
    default: break;
    }
    for (int i = 0; i < int(std::size(trailing)); ++i)
        if (trailing[i] == kind)
            return leadingColumns + int(m_axisKeys.size()) + i;
    return -1;
}

StudyTableModel::Column StudyTableModel::kindOf(int column) const
{
    if (column == 0)
        return Column::Index;
    if (column == 1)
        return Column::State;
    const int afterAxes = column - leadingColumns - int(m_axisKeys.size());
    if (afterAxes < 0)
        return Column::Axis;
    return trailing[std::min(afterAxes, int(std::size(trailing)) - 1)];
}

QVariant StudyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (kindOf(section)) {
    case Column::Index: return QStringLiteral("#");
    case Column::State: return tr("state");
    case Column::Axis: {
        // "optimizer.batch_size" reads as "batch_size": narrow columns; the tooltip has the key.
        const QString& key = m_axisKeys[section - leadingColumns];
        return role == Qt::ToolTipRole ? key : key.section(QLatin1Char('.'), -1);
    }
    case Column::Optimizer: return tr("optimizer");
    case Column::Eta: return QStringLiteral("η");
    case Column::BatchSize: return QStringLiteral("B");
    case Column::Seed: return tr("seed");
    case Column::TrainLoss: return tr("train loss");
    case Column::TestAccuracy: return tr("test acc.");
    case Column::Iterations: return tr("iterations");
    case Column::Sharpness:
        return role == Qt::ToolTipRole ? tr("sharpness a = λmax(H) at the end") : QStringLiteral("a");
    case Column::NonUniformity:
        return role == Qt::ToolTipRole ? tr("non-uniformity s = √λmax(Σ) at the end") : QStringLiteral("s");
    case Column::Stability: return tr("stability");
    case Column::StopReason: return tr("stop reason");
    }
    return {};
}

QVariant StudyTableModel::displayValue(int row, Column kind, int column) const
{
    const core::StudyRunRecord& run = m_runs[size_t(row)];
    switch (kind) {
    case Column::Index: return QString::number(run.ordinal + 1);
    case Column::State: return stateName(run.state);
    case Column::Axis: {
        const QVariant v = m_axisValues[size_t(row)].value(m_axisKeys[column - leadingColumns]);
        return v.typeId() == QMetaType::Double ? formatNumber(v.toDouble()) : v.toString();
    }
    case Column::Optimizer: return QString::fromStdString(run.optimizer);
    case Column::Eta: return formatNumber(run.eta);
    case Column::BatchSize:
        if (run.batchSize > 0)
            return QString::number(run.batchSize);
        return run.optimizer == "gd" || run.optimizer == "lbfgs" ? tr("all") : QString();
    case Column::Seed: return QString::number(run.seed);
    case Column::TrainLoss: return formatNumber(measured(run, run.trainLoss));
    case Column::TestAccuracy: return formatNumber(measured(run, run.testAccuracy));
    case Column::Iterations: return isFinished(run.state) ? QString::number(run.iterations) : QString();
    case Column::Sharpness: return formatNumber(measured(run, run.sharpness));
    case Column::NonUniformity: return formatNumber(measured(run, run.nonUniformity));
    case Column::Stability: return QString::fromStdString(run.stability);
    case Column::StopReason: return stopReasonText(run);
    }
    return {};
}

QVariant StudyTableModel::sortValue(int row, Column kind, int column) const
{
    const core::StudyRunRecord& run = m_runs[size_t(row)];
    // NaN sorts as the lowest number: missing values gather at one end.
    const auto number = [](double v) { return std::isfinite(v) ? v : -std::numeric_limits<double>::max(); };
    switch (kind) {
    case Column::Index: return double(run.ordinal);
    case Column::State: return int(run.state);
    case Column::Axis: return m_axisValues[size_t(row)].value(m_axisKeys[column - leadingColumns]);
    case Column::Eta: return number(run.eta);
    case Column::BatchSize: return double(run.batchSize);
    case Column::Seed: return double(run.seed);
    case Column::TrainLoss: return number(measured(run, run.trainLoss));
    case Column::TestAccuracy: return number(measured(run, run.testAccuracy));
    case Column::Iterations: return double(isFinished(run.state) ? run.iterations : -1);
    case Column::Sharpness: return number(measured(run, run.sharpness));
    case Column::NonUniformity: return number(measured(run, run.nonUniformity));
    default: return displayValue(row, kind, column);
    }
}

QVariant StudyTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_runs.size()))
        return {};
    const core::StudyRunRecord& run = m_runs[size_t(index.row())];
    const Column kind = kindOf(index.column());
    switch (role) {
    case Qt::DisplayRole: return displayValue(index.row(), kind, index.column());
    case SortRole: return sortValue(index.row(), kind, index.column());
    case StateRole: return int(run.state);
    case AxesTextRole: return m_axesText[size_t(index.row())];
    case FolderRole: return QString::fromStdString(run.folder);
    case Qt::TextAlignmentRole:
        if (kind == Column::State || kind == Column::Optimizer || kind == Column::Stability
            || kind == Column::StopReason)
            return int(Qt::AlignLeft | Qt::AlignVCenter);
        return int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (kind == Column::State && run.state == core::StudyRunState::Diverged)
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (kind == Column::State && run.state == core::StudyRunState::Failed)
            return QBrush(QColor(0x8e, 0x24, 0xaa));
        if (kind == Column::StopReason && run.state == core::StudyRunState::Done && !run.converged)
            return QBrush(QColor(0xe6, 0x51, 0x00));
        return {};
    case Qt::FontRole:
        if (kind == Column::State && run.state == core::StudyRunState::Running) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n%2%3")
            .arg(m_axesText[size_t(index.row())], QString::fromStdString(run.folder),
                 run.stopReason.empty() ? QString() : QStringLiteral("\n") + stopReasonText(run));
    default: return {};
    }
}

}   // namespace minimascope::ui
