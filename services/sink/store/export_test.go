package store

// SetSearchWindow makes full-text queries decide after n articles whether
// their words are rare, so tests reach both strategies with few articles.
func SetSearchWindow(n int) (restore func()) {
	old := searchWindow
	searchWindow = n
	return func() { searchWindow = old }
}
