package extract

// LargePolicyPage is largePolicyPage for the benchmarks of package
// extract_test.
var LargePolicyPage = largePolicyPage
