package fetchersvc

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/pipelinetest"
	"github.com/newsflow/newsflow/services/fetcher/fetchtest"
	"github.com/newsflow/newsflow/services/fetcher/sources"
)

func TestSourcesAPI(t *testing.T) {
	srv := pipelinetest.StartJetStream(t)
	site := fetchtest.StartSite(t, 2)
	f := startFetcher(t, srv.JS, testOptions())
	api := httptest.NewServer(f.API())
	defer api.Close()
	call := func(method, path, body string, wantStatus int) string {
		t.Helper()
		req, _ := http.NewRequest(method, api.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != wantStatus {
			t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, wantStatus)
		}
		return string(b)
	}
	feed := site.AddFeed("/rss.xml", 0, 1)
	var added sources.Source
	if err := json.Unmarshal([]byte(call("POST", "/sources", `{"url":"`+feed+`","name":"API feed","every":"1h"}`, 201)), &added); err != nil {
		t.Fatal(err)
	}
	if added.ID == "" || added.Every.Duration != time.Hour || added.Name != "API feed" {
		t.Fatalf("added %+v", added)
	}
	call("POST", "/sources", `{"url":"`+feed+`","name":"API feed","every":"2h"}`, 200) // an update
	call("POST", "/sources", `{"url":"gopher://x"}`, 400)
	call("POST", "/sources", `{"url":`, 400)
	rawMessages(t, srv.JS, 2, 10*time.Second)
	waitFor(t, 5*time.Second, func() bool { return strings.Contains(call("GET", "/sources", "", 200), `"published":2`) })
	var list []sources.Listing
	if err := json.Unmarshal([]byte(call("GET", "/sources", "", 200)), &list); err != nil || len(list) != 1 || list[0].State == nil || list[0].Every.Duration != 2*time.Hour {
		t.Fatalf("GET /sources = %+v, %v", list, err)
	}
	call("GET", "/sources/API%20feed", "", 200)
	call("GET", "/sources/"+url.PathEscape(feed), "", 200)
	call("POST", "/sources/"+added.ID+"/pause", "", 200)
	if !strings.Contains(call("GET", "/sources/"+added.ID, "", 200), `"paused":true`) {
		t.Fatal("not paused")
	}
	call("POST", "/sources/"+added.ID+"/resume", "", 200)
	call("DELETE", "/sources/"+added.ID, "", 200)
	call("DELETE", "/sources/"+added.ID, "", 404)

	var res FetchReply
	json.Unmarshal([]byte(call("POST", "/fetch", `{"url":"`+site.PageURL(1)+`"}`, 200)), &res)
	if res.ID != pipeline.ArticleID(site.PageURL(1), "") || res.Status != outDuplicate { // the feed published it already
		t.Fatalf("POST /fetch = %+v", res)
	}
	call("POST", "/fetch", `{"url":"http://169.254.169.254/"}`, 422)
}
