/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ecdisc-perf: Google Benchmark over our kernels and blocks, each row beside
 * the GNU Radio in-tree peer that does the same work, measured in this run.
 */
#include <benchmark/benchmark.h>
#include <cstdio>
#include <map>
#include <string>

namespace {

class ratio_reporter : public benchmark::ConsoleReporter
{
public:
    void ReportRuns(const std::vector<Run>& runs) override
    {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& r : runs) {
            if (r.run_type != Run::RT_Iteration || r.error_occurred)
                continue;
            std::string name = r.benchmark_name();
            const std::string rt = "/real_time";
            if (name.size() > rt.size() &&
                name.compare(name.size() - rt.size(), rt.size(), rt) == 0)
                name.resize(name.size() - rt.size());
            const auto slash = name.rfind('/');
            if (slash == std::string::npos)
                continue;
            auto it = r.counters.find("items_per_second");
            if (it == r.counters.end())
                continue;
            d_rows[name.substr(0, slash)][name.substr(slash + 1)] = it->second.value;
        }
    }

    void Finalize() override
    {
        ConsoleReporter::Finalize();
        std::printf("\n%-34s %14s %14s %8s\n",
                    "row",
                    "ours items/s",
                    "gnuradio items/s",
                    "ratio");
        for (const auto& [row, v] : d_rows) {
            auto o = v.find("ours");
            auto g = v.find("gnuradio");
            const double ours = o == v.end() ? 0.0 : o->second;
            const double peer = g == v.end() ? 0.0 : g->second;
            std::printf("%-34s %14.4g %14.4g ", row.c_str(), ours, peer);
            if (ours > 0 && peer > 0)
                std::printf("%7.2fx\n", ours / peer);
            else
                std::printf("%8s\n", "n/a");
        }
    }

private:
    std::map<std::string, std::map<std::string, double>> d_rows;
};

} // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
