#include "study/StudyStore.h"

#include "common/InputError.h"
#include "io/NumberFormat.h"

#include <sqlite3.h>

#include <cmath>
#include <limits>

namespace minimascope::core {

namespace {

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
  key TEXT PRIMARY KEY,
  ordinal INTEGER NOT NULL,
  state TEXT NOT NULL,
  stop_reason TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL,
  axes TEXT NOT NULL,
  eta REAL, batch_size INTEGER, optimizer TEXT, seed INTEGER, n INTEGER,
  train_loss REAL, train_accuracy REAL, test_loss REAL, test_accuracy REAL,
  iterations INTEGER, seconds REAL,
  sharpness REAL, non_uniformity REAL, lambda_min REAL, stability TEXT,
  sharpness_bound REAL, non_uniformity_bound REAL,
  converged INTEGER NOT NULL DEFAULT 0,
  folder TEXT NOT NULL DEFAULT '', run_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  updated TEXT NOT NULL DEFAULT (datetime('now')));
)sql";

const char* const kColumns =
    "key, ordinal, state, stop_reason, config, axes, eta, batch_size, optimizer, seed, n, train_loss, "
    "train_accuracy, test_loss, test_accuracy, iterations, seconds, sharpness, non_uniformity, lambda_min, "
    "stability, sharpness_bound, non_uniformity_bound, converged, folder, run_id, attempts";

StudyRunState stateFromText(const std::string& text)
{
    if (text == "running")
        return StudyRunState::Running;
    if (text == "done")
        return StudyRunState::Done;
    if (text == "failed")
        return StudyRunState::Failed;
    if (text == "diverged")
        return StudyRunState::Diverged;
    return StudyRunState::ToDo;
}

// One prepared statement, finalized however the scope ends.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql, const std::string& path) : m_db(db), m_path(path)
    {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &m_statement, nullptr) != SQLITE_OK)
            throw InputError(m_path + ": " + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(m_statement); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, const std::string& text)
    {
        sqlite3_bind_text(m_statement, i, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, int64_t value)
    {
        sqlite3_bind_int64(m_statement, i, value);
        return *this;
    }
    // SQLite has no NaN: an unmeasured value is NULL.
    Statement& bind(int i, double value)
    {
        if (std::isnan(value))
            sqlite3_bind_null(m_statement, i);
        else
            sqlite3_bind_double(m_statement, i, value);
        return *this;
    }
    // For the next execution with new bindings.
    void reset()
    {
        sqlite3_reset(m_statement);
        sqlite3_clear_bindings(m_statement);
    }
    // True while there is a row.
    bool step()
    {
        const int result = sqlite3_step(m_statement);
        if (result == SQLITE_ROW)
            return true;
        if (result == SQLITE_DONE)
            return false;
        throw InputError(m_path + ": " + sqlite3_errmsg(m_db));
    }
    std::string text(int column) const
    {
        const unsigned char* value = sqlite3_column_text(m_statement, column);
        return value ? reinterpret_cast<const char*>(value) : "";
    }
    int64_t integer(int column) const { return sqlite3_column_int64(m_statement, column); }
    double real(int column) const
    {
        return sqlite3_column_type(m_statement, column) == SQLITE_NULL ? kNaN
                                                                       : sqlite3_column_double(m_statement, column);
    }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_statement = nullptr;
    std::string m_path;
};

}   // namespace

const char* toString(StudyRunState state)
{
    switch (state) {
    case StudyRunState::ToDo: return "to do";
    case StudyRunState::Running: return "running";
    case StudyRunState::Done: return "done";
    case StudyRunState::Failed: return "failed";
    case StudyRunState::Diverged: return "diverged";
    }
    return "to do";
}

std::string studyStorePath(const std::string& studyDir) { return studyDir + "/study.sqlite"; }

struct StudyStore::Impl {
    sqlite3* db = nullptr;
    std::string path;

    void exec(const std::string& sql) const
    {
        char* error = nullptr;
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = error ? error : "unknown error";
            sqlite3_free(error);
            throw InputError(path + ": " + message);
        }
    }
};

StudyStore::StudyStore(const std::string& path, bool readOnly) : m_impl(std::make_unique<Impl>())
{
    Impl& d = *m_impl;
    d.path = path;
    const int flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path.c_str(), &d.db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        const std::string message = d.db ? sqlite3_errmsg(d.db) : "out of memory";
        sqlite3_close(d.db);
        d.db = nullptr;
        throw InputError("cannot open the study store " + path + ": " + message);
    }
    // A reader may meet the writer mid-transaction: wait for it rather than fail.
    sqlite3_busy_timeout(d.db, 5000);
    try {
        int64_t schema = 0;
        {
            Statement version(d.db, "PRAGMA user_version", path);   // finalized before the writes below
            version.step();
            schema = version.integer(0);
        }
        if (schema > kSchemaVersion)
            throw InputError(path + ": a study store of schema version " + std::to_string(schema)
                             + ", newer than this MinimaScope reads (" + std::to_string(kSchemaVersion)
                             + "): open it with a newer MinimaScope");
        if (!readOnly) {
            // WAL: readers never block the writer, and a killed writer's last transaction is
            // either whole or absent. synchronous=NORMAL is durable against a kill in WAL mode.
            d.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            d.exec(std::string("BEGIN;") + kSchema + "PRAGMA user_version=" + std::to_string(kSchemaVersion)
                   + "; COMMIT;");
        } else if (schema == 0) {
            throw InputError(path + ": not a study store (no schema)");
        }
    } catch (...) {
        sqlite3_close(d.db);
        d.db = nullptr;
        throw;
    }
}

StudyStore::~StudyStore()
{
    if (m_impl && m_impl->db)
        sqlite3_close(m_impl->db);
}

std::string StudyStore::studyName() const
{
    Statement select(m_impl->db, "SELECT value FROM meta WHERE key = 'name'", m_impl->path);
    return select.step() ? select.text(0) : std::string();
}

std::string StudyStore::studyDocument() const
{
    Statement select(m_impl->db, "SELECT value FROM meta WHERE key = 'document'", m_impl->path);
    return select.step() ? select.text(0) : std::string();
}

void StudyStore::setStudy(const std::string& name, const std::string& description, const std::string& document)
{
    Impl& d = *m_impl;
    d.exec("BEGIN IMMEDIATE");
    try {
        Statement put(d.db,
                      "INSERT OR REPLACE INTO meta(key, value) VALUES ('name', ?1), ('description', ?2), "
                      "('document', ?3)",
                      d.path);
        put.bind(1, name).bind(2, description).bind(3, document).step();
        d.exec("COMMIT");
    } catch (...) {
        d.exec("ROLLBACK");
        throw;
    }
}

int64_t StudyStore::addPoints(const std::vector<StudyPoint>& points)
{
    Impl& d = *m_impl;
    d.exec("BEGIN IMMEDIATE");
    int64_t added = 0;
    try {
        Statement next(d.db, "SELECT COALESCE(MAX(ordinal) + 1, 0) FROM runs", d.path);
        next.step();
        int64_t ordinal = next.integer(0);
        Statement insert(d.db,
                         "INSERT OR IGNORE INTO runs(key, ordinal, state, config, axes, eta, optimizer, seed, "
                         "batch_size, n) VALUES (?1, ?2, 'to do', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         d.path);
        for (const StudyPoint& point : points) {
            insert.reset();
            insert.bind(1, point.key)
                .bind(2, ordinal)
                .bind(3, point.config.toJson().dump())
                .bind(4, point.axes.dump())
                .bind(5, point.config.optimizer.lr)
                .bind(6, point.config.optimizer.name)
                .bind(7, static_cast<int64_t>(point.config.seed))
                // As configured; a class filter can make the run's n smaller, which its result records.
                .bind(8, point.config.effectiveBatchSize(point.config.dataset.n))
                .bind(9, point.config.dataset.n);
            insert.step();
            if (sqlite3_changes(d.db) > 0) {
                ++added;
                ++ordinal;
            }
        }
        d.exec("COMMIT");
    } catch (...) {
        d.exec("ROLLBACK");
        throw;
    }
    return added;
}

int64_t StudyStore::requeueRunning()
{
    m_impl->exec("UPDATE runs SET state = 'to do', updated = datetime('now') WHERE state = 'running'");
    return sqlite3_changes(m_impl->db);
}

int64_t StudyStore::requeueFailed()
{
    m_impl->exec("UPDATE runs SET state = 'to do', updated = datetime('now') WHERE state = 'failed'");
    return sqlite3_changes(m_impl->db);
}

void StudyStore::markRunning(const std::string& key, const std::string& folder)
{
    Statement update(m_impl->db,
                     "UPDATE runs SET state = 'running', folder = ?2, attempts = attempts + 1, "
                     "updated = datetime('now') WHERE key = ?1",
                     m_impl->path);
    update.bind(1, key).bind(2, folder).step();
}

void StudyStore::requeue(const std::string& key)
{
    Statement update(m_impl->db, "UPDATE runs SET state = 'to do', updated = datetime('now') WHERE key = ?1",
                     m_impl->path);
    update.bind(1, key).step();
}

void StudyStore::recordResult(const StudyRunRecord& r)
{
    Statement update(m_impl->db,
                     "UPDATE runs SET state = ?2, stop_reason = ?3, eta = ?4, batch_size = ?5, optimizer = ?6, "
                     "seed = ?7, n = ?8, train_loss = ?9, train_accuracy = ?10, test_loss = ?11, "
                     "test_accuracy = ?12, iterations = ?13, seconds = ?14, sharpness = ?15, non_uniformity = ?16, "
                     "lambda_min = ?17, stability = ?18, sharpness_bound = ?19, non_uniformity_bound = ?20, "
                     "converged = ?21, folder = ?22, run_id = ?23, updated = datetime('now') WHERE key = ?1",
                     m_impl->path);
    update.bind(1, r.key)
        .bind(2, std::string(toString(r.state)))
        .bind(3, r.stopReason)
        .bind(4, r.eta)
        .bind(5, r.batchSize)
        .bind(6, r.optimizer)
        .bind(7, r.seed)
        .bind(8, r.examples)
        .bind(9, r.trainLoss)
        .bind(10, r.trainAccuracy)
        .bind(11, r.testLoss)
        .bind(12, r.testAccuracy)
        .bind(13, r.iterations)
        .bind(14, r.seconds)
        .bind(15, r.sharpness)
        .bind(16, r.nonUniformity)
        .bind(17, r.lambdaMin)
        .bind(18, r.stability)
        .bind(19, r.sharpnessBound)
        .bind(20, r.nonUniformityBound)
        .bind(21, static_cast<int64_t>(r.converged ? 1 : 0))
        .bind(22, r.folder)
        .bind(23, r.runId);
    update.step();
}

std::vector<StudyRunRecord> StudyStore::runs() const
{
    Statement select(m_impl->db, std::string("SELECT ") + kColumns + " FROM runs ORDER BY ordinal", m_impl->path);
    std::vector<StudyRunRecord> records;
    while (select.step()) {
        StudyRunRecord r;
        int c = 0;
        r.key = select.text(c++);
        r.ordinal = select.integer(c++);
        r.state = stateFromText(select.text(c++));
        r.stopReason = select.text(c++);
        r.configJson = select.text(c++);
        r.axesJson = select.text(c++);
        r.eta = select.real(c++);
        r.batchSize = select.integer(c++);
        r.optimizer = select.text(c++);
        r.seed = select.integer(c++);
        r.examples = select.integer(c++);
        r.trainLoss = select.real(c++);
        r.trainAccuracy = select.real(c++);
        r.testLoss = select.real(c++);
        r.testAccuracy = select.real(c++);
        r.iterations = select.integer(c++);
        r.seconds = select.real(c++);
        r.sharpness = select.real(c++);
        r.nonUniformity = select.real(c++);
        r.lambdaMin = select.real(c++);
        r.stability = select.text(c++);
        r.sharpnessBound = select.real(c++);
        r.nonUniformityBound = select.real(c++);
        r.converged = select.integer(c++) != 0;
        r.folder = select.text(c++);
        r.runId = select.text(c++);
        r.attempts = select.integer(c++);
        records.push_back(std::move(r));
    }
    return records;
}

std::string StudyStore::integrityCheck() const
{
    Statement check(m_impl->db, "PRAGMA integrity_check", m_impl->path);
    return check.step() ? check.text(0) : std::string("no answer");
}

}   // namespace minimascope::core
